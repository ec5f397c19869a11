/**
 * Which explorer the gateway serves to a browser:
 * - `sandbox`: Apollo Sandbox at the gateway's URL (it loads from Apollo's CDN);
 * - `graphiql`: the bundled GraphiQL at the gateway's URL, every asset served by the gateway;
 * - `auto`: a landing page that tries Apollo Sandbox and falls back to the bundled GraphiQL when
 *   Sandbox's script cannot be loaded;
 * - `off`: no explorer at all.
 *
 * With any value but `off`, `/explorer` serves the bundled GraphiQL.
 */
export type ExplorerMode = 'sandbox' | 'graphiql' | 'auto' | 'off';

/** Every {@link ExplorerMode}, for validating a setting. */
export const EXPLORER_MODES: readonly ExplorerMode[] = ['sandbox', 'graphiql', 'auto', 'off'];

/**
 * The explorer a gateway serves: the configured one, else `auto` in development and `off` in
 * production (where the gateway has always served no landing page).
 *
 * @example resolveExplorerMode('production', undefined) // 'off'
 */
export function resolveExplorerMode(
  mode: 'development' | 'production',
  configured: ExplorerMode | undefined,
): ExplorerMode {
  return configured ?? (mode === 'development' ? 'auto' : 'off');
}
