import { SANDBOX_FRAME_ORIGIN, SANDBOX_SCRIPT_URL } from './explorer-pages.js';

/**
 * The bundled explorer's Content-Security-Policy: everything from the gateway itself, nothing from
 * any other origin. `data:` serves the fonts and icons GraphiQL's stylesheet embeds; inline styles
 * are allowed because the editor (Monaco) writes its themes into `<style>` elements at run time.
 * Scripts may not be inline: the page's own script is a file too.
 */
export const EXPLORER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The `auto` landing page's policy: the gateway, plus Apollo Sandbox's script and frame only. */
export const LANDING_CSP = [
  "default-src 'none'",
  `script-src 'self' ${new URL(SANDBOX_SCRIPT_URL).origin}`,
  `frame-src ${SANDBOX_FRAME_ORIGIN}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers of an explorer page beside its policy: never cached, sniffed, framed or referred. */
export function pageHeaders(csp: string, length: number): Record<string, string | number> {
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-length': length,
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cache-control': 'no-store',
  };
}

/** Headers of an asset: its name changes with its content, so a browser keeps it for a year. */
export function assetHeaders(contentType: string, etag: string): Record<string, string> {
  return {
    'content-type': contentType,
    'x-content-type-options': 'nosniff',
    'cross-origin-resource-policy': 'same-origin',
    'cache-control': 'public, max-age=31536000, immutable',
    etag,
    vary: 'accept-encoding',
  };
}
