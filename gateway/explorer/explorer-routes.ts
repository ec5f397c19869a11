import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpRoute } from '../http/index.js';
import { EXPLORER_ASSETS_PATH, type ExplorerAsset } from './explorer-asset.js';
import { ExplorerFiles } from './explorer-files.js';
import { EXPLORER_CSP, LANDING_CSP, assetHeaders, pageHeaders } from './explorer-headers.js';
import type { ExplorerMode } from './explorer-mode.js';

/** Where the bundled GraphiQL is served whenever the explorer is not `off`. */
export const EXPLORER_PATH = '/explorer';

/** Options of {@link explorerRoutes}. */
export interface ExplorerRouteOptions {
  readonly explorer: ExplorerMode;
  /** The gateway's GraphQL paths, where a browser's GET shows the explorer (`graphiql`) or the landing page (`auto`). */
  readonly graphqlPaths?: readonly string[];
}

/**
 * The explorer's routes: `/explorer` (the bundled GraphiQL) and its assets under
 * `/explorer/assets/`, whenever the explorer is not `off`; and on the GraphQL paths, for a GET that
 * asks for HTML, the bundled GraphiQL (`graphiql`) or the landing page that tries Apollo Sandbox
 * first (`auto`). With `sandbox`, Apollo Server's own landing page answers there.
 *
 * @example routes.push(...explorerRoutes({ explorer: 'auto' }));
 */
export function explorerRoutes(options: ExplorerRouteOptions): HttpRoute[] {
  const { explorer } = options;
  if (explorer === 'off') return [];
  const files = new ExplorerFiles();
  const graphqlPaths = new Set(options.graphqlPaths ?? ['/', '/graphql']);
  const route: HttpRoute = async (request, response, url) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    if (url.pathname === EXPLORER_PATH) {
      sendPage(request, response, await files.explorerPage(), EXPLORER_CSP);
      return true;
    }
    if (url.pathname.startsWith(EXPLORER_ASSETS_PATH)) {
      const asset = await files.asset(url.pathname.slice(EXPLORER_ASSETS_PATH.length));
      if (!asset) return false;
      await sendAsset(request, response, asset);
      return true;
    }
    if (!graphqlPaths.has(url.pathname) || !asksForHtml(request)) return false;
    if (explorer === 'graphiql')
      sendPage(request, response, await files.explorerPage(), EXPLORER_CSP);
    else if (explorer === 'auto') sendPage(request, response, files.landingPage(), LANDING_CSP);
    else return false;
    return true;
  };
  return [route];
}

/** A browser's navigation: Accept names `text/html` (Apollo's landing page answers the same requests). */
function asksForHtml(request: IncomingMessage): boolean {
  return request.method === 'GET' && (request.headers.accept ?? '').includes('text/html');
}

function sendPage(
  request: IncomingMessage,
  response: ServerResponse,
  html: string,
  csp: string,
): void {
  const body = Buffer.from(html, 'utf8');
  response.writeHead(200, pageHeaders(csp, body.length));
  response.end(request.method === 'HEAD' ? undefined : body);
}

async function sendAsset(
  request: IncomingMessage,
  response: ServerResponse,
  asset: ExplorerAsset,
): Promise<void> {
  const headers = assetHeaders(asset.contentType, asset.etag);
  if (request.headers['if-none-match'] === asset.etag) {
    response.writeHead(304, headers);
    response.end();
    return;
  }
  const gzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
  const body = gzip ? await asset.gzipped() : asset.body;
  response.writeHead(200, {
    ...headers,
    'content-length': body.length,
    ...(gzip ? { 'content-encoding': 'gzip' } : {}),
  });
  response.end(request.method === 'HEAD' ? undefined : body);
}
