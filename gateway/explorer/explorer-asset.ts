import { createHash } from 'node:crypto';
import { gzip } from 'node:zlib';
import { promisify } from 'node:util';

const gzipAsync = promisify(gzip);

/** One file the explorer serves under {@link EXPLORER_ASSETS_PATH}, named by its content. */
export interface ExplorerAsset {
  /** The file name, `<stem>.<first 12 hex of its SHA-256>.<extension>`: a new content gets a new name. */
  readonly name: string;
  readonly contentType: string;
  readonly body: Buffer;
  readonly etag: string;
  /** The body gzipped, compressed on first use off the event loop and then kept. */
  gzipped(): Promise<Buffer>;
}

/** Where the explorer's assets are served; relative to the gateway's root. */
export const EXPLORER_ASSETS_PATH = '/explorer/assets/';

/** Content types of the assets, by extension. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  ico: 'image/x-icon',
};

/**
 * An asset from its stem, extension and content; the name carries a hash of the content, so that
 * browsers may cache it for good.
 *
 * @throws Error for an extension without a content type (a programming error).
 */
export function createExplorerAsset(
  stem: string,
  extension: string,
  content: string | Buffer,
): ExplorerAsset {
  const contentType = CONTENT_TYPES[extension];
  if (!contentType) throw new Error(`no content type for .${extension}`);
  const body = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  let compressed: Promise<Buffer> | undefined;
  return {
    name: `${stem}.${hash}.${extension}`,
    contentType,
    body,
    etag: `"${hash}"`,
    gzipped: () => (compressed ??= gzipAsync(body)),
  };
}
