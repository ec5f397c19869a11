/**
 * The ports that the Fetch standard calls "bad" (https://fetch.spec.whatwg.org/#bad-port): every
 * `fetch`, in browsers and in Node (undici), refuses to connect to them, whatever answers there
 * ("fetch failed", cause "bad port"). gridmark's own clients speak Node's `http`, but a business
 * system's URL is also called by tools and gateways that use `fetch`, and the registry, its CLI and
 * the anchoring systems are reached with it; so such a port is refused up front, saying why.
 * `fetch-bad-ports.test.ts` holds this list to Node's own `fetch`.
 */
export const FETCH_BAD_PORTS: ReadonlySet<number> = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102,
  103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465,
  512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993,
  995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668,
  6669, 6679, 6697, 10080,
]);

/**
 * The port of an http(s) URL when `fetch` refuses to connect to it; undefined otherwise (a URL
 * without a port uses 80 or 443, which fetch allows).
 *
 * @example fetchBadPortOf(new URL('http://10.0.0.7:6000/graphql')) // 6000
 */
export function fetchBadPortOf(url: URL): number | undefined {
  if (url.port === '') return undefined;
  const port = Number(url.port);
  return FETCH_BAD_PORTS.has(port) ? port : undefined;
}

/** What to say about a port `fetch` refuses, after "<what> ". */
export function fetchBadPortMessage(port: number): string {
  return `uses port ${port}, one of the ports the Fetch standard blocks (https://fetch.spec.whatwg.org/#bad-port): fetch, in browsers and in Node, refuses to connect to it ("bad port"). Serve it on another port.`;
}
