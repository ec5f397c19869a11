import type { OwnAssets, GraphiqlAssets } from './explorer-assets.js';
import type { ExplorerAsset } from './explorer-asset.js';

/** Where Apollo Sandbox's embeddable script is served; the `auto` landing page tries it. */
export const SANDBOX_SCRIPT_URL =
  'https://embeddable-sandbox.cdn.apollographql.com/_latest/embeddable-sandbox.umd.production.min.js';

/** The origin of the page that Sandbox's script frames. */
export const SANDBOX_FRAME_ORIGIN = 'https://sandbox.embed.apollographql.com';

/** How long the landing page waits for Sandbox's script before it opens the bundled explorer. */
export const SANDBOX_TIMEOUT_MS = 8_000;

/** The query a new explorer tab opens with. */
const DEFAULT_QUERY = `# gridmark explorer: every file of this page comes from the gateway, none from the internet.
# Fill in the application key, function and role above: each request carries them as the
# authorization, x-gridmark-function and x-gridmark-role headers. Every released value's
# verification status (VERIFIED, UNVERIFIED, TAMPERED, ...) is in extensions.gridmark.
query Device {
  device(id: "88.1001.1/PVI-000001") {
    id
    kind
    heldBy
  }
}
`;

/**
 * Paths are relative (`explorer/assets/...`, `./`), so that the same page works at the gateway's
 * root, at `/graphql` and at `/explorer`, and behind a proxy that serves the gateway under a prefix.
 */
const assetPath = (asset: ExplorerAsset): string => `explorer/assets/${asset.name}`;

/** The bundled GraphiQL with the credentials bar. */
export function explorerPage(own: OwnAssets, graphiql: GraphiqlAssets): string {
  const config = {
    endpoint: './',
    workers: {
      editorWorkerService: assetPath(graphiql.workers.editorWorkerService),
      json: assetPath(graphiql.workers.json),
      graphql: assetPath(graphiql.workers.graphql),
    },
    graphiql: {
      title: 'gridmark explorer',
      defaultQuery: DEFAULT_QUERY,
      shouldPersistHeaders: false,
      credentials: 'same-origin',
    },
  };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>gridmark explorer</title>
<link rel="icon" href="${assetPath(graphiql.favicon)}">
<link rel="stylesheet" href="${assetPath(graphiql.styles)}">
<link rel="stylesheet" href="${assetPath(own.styles)}">
<script type="application/json" id="gridmark-explorer-config">${jsonForHtml(config)}</script>
<script defer src="${assetPath(own.explorerScript)}"></script>
<script defer src="${assetPath(graphiql.script)}"></script>
</head>
<body id="body" class="no-focus-outline">
<noscript>The explorer needs JavaScript.</noscript>
<form id="gridmark-credentials" class="gridmark-bar" autocomplete="off">
<span class="gridmark-title">gridmark explorer</span>
<label>Application key <input id="gridmark-key" name="gridmark-key" type="password" autocomplete="off" spellcheck="false" placeholder="gmk_..."></label>
<label>Function <input id="gridmark-function" name="gridmark-function" autocomplete="off" spellcheck="false" placeholder="full-lifecycle"></label>
<label>Role <input id="gridmark-role" name="gridmark-role" autocomplete="off" spellcheck="false" placeholder="om-engineer"></label>
<span class="gridmark-note">Sent with each query as headers; the key stays in this field only (never in the URL or in storage).</span>
</form>
<div id="root"></div>
</body>
</html>
`;
}

/** The `auto` landing page: Apollo Sandbox when its CDN answers, else the bundled explorer. */
export function landingPage(own: OwnAssets): string {
  const config = {
    endpoint: './',
    explorer: 'explorer',
    sandboxScript: SANDBOX_SCRIPT_URL,
    timeoutMs: SANDBOX_TIMEOUT_MS,
  };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>gridmark gateway</title>
<link rel="stylesheet" href="${assetPath(own.styles)}">
<script type="application/json" id="gridmark-landing-config">${jsonForHtml(config)}</script>
<script defer src="${assetPath(own.landingScript)}"></script>
</head>
<body>
<div class="gridmark-bar">
<span class="gridmark-title">gridmark gateway</span>
<span class="gridmark-note">Apollo Sandbox loads from Apollo's CDN. Offline, or to send an application key, function and role:
<a id="gridmark-explorer-link" href="explorer">open the bundled explorer</a>.</span>
</div>
<p id="gridmark-landing-status">Loading Apollo Sandbox…</p>
<div id="embeddableSandbox"></div>
</body>
</html>
`;
}

/** JSON that cannot end the `<script>` element it sits in. */
function jsonForHtml(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026');
}
