/**
 * The gateway's explorer for browsers: a bundled GraphiQL whose every file the gateway serves from
 * the installed package (no CDN, so it works on networks without internet), with fields for the
 * application key, function and role; and the landing page that tries Apollo Sandbox first.
 * Imports only the HTTP room's door.
 */
export { EXPLORER_MODES, resolveExplorerMode, type ExplorerMode } from './explorer-mode.js';
export { EXPLORER_PATH, explorerRoutes, type ExplorerRouteOptions } from './explorer-routes.js';
export { EXPLORER_ASSETS_PATH } from './explorer-asset.js';
export { EXPLORER_CSP, LANDING_CSP } from './explorer-headers.js';
export { SANDBOX_SCRIPT_URL } from './explorer-pages.js';
