import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GridmarkError } from '../../schema/index.js';
import { parseIdentifier } from '../../schema/index.js';
import { sendJson } from '../http/index.js';
import type { Registry } from './registry.js';

/** What `GET /id/<identifier>` answers: the device's catalog entry. */
export interface IdentifierResolution {
  readonly identifier: string;
  readonly kind: string;
  readonly status: string;
  readonly issuer: { readonly code: string; readonly name: string };
  readonly audit: { readonly status: string; readonly at: string | null };
  readonly key: boolean;
  readonly holders: readonly {
    readonly systemCode: string;
    readonly name: string;
    readonly fieldCodes: readonly string[];
  }[];
}

/**
 * The resolver URL a device's QR code points at: `GET /id/<prefix>/<suffix>` answers with the
 * device's catalog entry, as JSON or, for a browser, as a small page. Field values are never
 * shown here; they go through the gateway and its rules.
 */
export function createIdentifierResolverRoute(registry: Registry) {
  return async (request: IncomingMessage, response: ServerResponse, url: URL): Promise<boolean> => {
    if (!url.pathname.startsWith('/id/') || (request.method !== 'GET' && request.method !== 'HEAD'))
      return false;
    const identifier = decodeURIComponent(url.pathname.slice('/id/'.length));
    try {
      parseIdentifier(identifier);
    } catch (error) {
      const e = error as GridmarkError;
      sendJson(response, 400, { error: { code: e.code, message: e.message } });
      return true;
    }
    const resolved = await resolveIdentifier(registry, identifier);
    if (!resolved) {
      sendJson(response, 404, {
        error: { code: 'UNKNOWN_IDENTIFIER', message: `${identifier} is not registered.` },
      });
      return true;
    }
    if ((request.headers.accept ?? '').includes('text/html')) {
      const page = renderPage(resolved);
      response.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-length': Buffer.byteLength(page),
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
      });
      response.end(page);
    } else {
      sendJson(response, 200, resolved);
    }
    return true;
  };
}

/** The catalog entry of one identifier, or undefined when it is not registered. */
export async function resolveIdentifier(
  registry: Registry,
  identifier: string,
): Promise<IdentifierResolution | undefined> {
  const record = await registry.getIdentifier(identifier);
  if (!record) return undefined;
  const [association, systems] = await Promise.all([
    registry.association(identifier),
    registry.listSystems(),
  ]);
  const nameOf = new Map(systems.map((s) => [s.code, s.name]));
  return {
    identifier,
    kind: record.kind,
    status: record.status,
    issuer: { code: record.issuerCode, name: nameOf.get(record.issuerCode) ?? record.issuerCode },
    audit: { status: record.audit.status, at: record.audit.at },
    key: association?.key ?? false,
    holders: (association?.holdings ?? []).map((h) => ({
      systemCode: h.systemCode,
      name: nameOf.get(h.systemCode) ?? h.systemCode,
      fieldCodes: h.fieldCodes,
    })),
  };
}

function renderPage(r: IdentifierResolution): string {
  const esc = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const rows = r.holders
    .map(
      (h) =>
        `<tr><td>${esc(h.name)}</td><td>${esc(h.systemCode)}</td><td>${h.fieldCodes.length}</td></tr>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${esc(r.identifier)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:40rem}td,th{padding:.3rem .8rem;text-align:left}table{border-collapse:collapse}tr{border-bottom:1px solid #ddd}</style></head>
<body><h1>${esc(r.identifier)}</h1><p>${esc(r.kind)} &middot; ${esc(r.status)} &middot; issued by ${esc(r.issuer.name)} (${esc(r.issuer.code)}) &middot; audit: ${esc(r.audit.status)}</p>
<table><tr><th>Held by</th><th>System code</th><th>Shared fields</th></tr>${rows}</table></body></html>`;
}
