import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A server (on 127.0.0.1 unless told otherwise) that answers the registry's calls its own way, and counts what it saw and sent. */
export interface HostileServer {
  /** `http://<host>:<port>/` */
  readonly url: string;
  readonly port: number;
  /** Requests it received. */
  hits(): number;
  /** Body bytes it managed to write, over all requests. */
  bytesWritten(): number;
  stop(): Promise<void>;
}

type Handler = (
  request: IncomingMessage,
  response: ServerResponse,
  sent: (bytes: number) => void,
) => void;

async function serve(handler: Handler, host = '127.0.0.1'): Promise<HostileServer> {
  let hits = 0;
  let written = 0;
  const server: Server = createServer((request, response) => {
    hits++;
    request.resume();
    request.once('end', () => handler(request, response, (bytes) => void (written += bytes)));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/`,
    port,
    hits: () => hits,
    bytesWritten: () => written,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A federation subgraph SDL with one `Device` field of the system's own. */
export const deviceSdl = (field: string): string =>
  `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\ntype Device @key(fields: "id") { id: ID! ${field}: String }`;

/** Answers every request with `_service { sdl }` of {@link deviceSdl}: a subgraph as far as the registry can tell. */
export function serveSdl(field: string, host?: string): Promise<HostileServer> {
  const body = JSON.stringify({ data: { _service: { sdl: deviceSdl(field) } } });
  return serve((_, response, sent) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(body);
    sent(body.length);
  }, host);
}

/** Answers every request with a redirect (307, which keeps the POST) to `location`. */
export function serveRedirect(location: string): Promise<HostileServer> {
  return serve((_, response) => {
    response.writeHead(307, { location });
    response.end();
  });
}

/** Streams JSON whitespace without end, as fast as the reader takes it, until the reader goes away. */
export function serveEndlessBody(): Promise<HostileServer> {
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  return serve((_, response, sent) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    const pump = (): void => {
      while (!response.destroyed && !response.writableEnded) {
        sent(chunk.length);
        if (!response.write(chunk)) {
          response.once('drain', pump);
          return;
        }
      }
    };
    response.once('close', () => response.removeAllListeners('drain'));
    pump();
  });
}

/** Sends its headers, then one byte of a body every 100 ms, and never ends it. */
export function serveTrickle(): Promise<HostileServer> {
  return serve((_, response, sent) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    const timer = setInterval(() => {
      response.write(' ');
      sent(1);
    }, 100);
    response.once('close', () => clearInterval(timer));
  });
}
