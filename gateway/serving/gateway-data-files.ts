import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { GridmarkError } from '../../schema/index.js';
import type { GatewayConfig, GatewayPaths } from '../config/index.js';

/** The first 16 bytes of every SQLite database file. */
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/** The files `gridmark init` creates and `gridmark serve` requires, each with what it is. */
export function gatewayDataFiles(
  config: GatewayConfig,
  paths: GatewayPaths,
): readonly { readonly path: string; readonly what: string; readonly database: boolean }[] {
  return [
    { path: paths.registry, what: "the registry's store (data.registry)", database: true },
    { path: paths.billing, what: 'the billing book (data.billing)', database: true },
    { path: paths.outbox, what: 'the ledger outbox (data.outbox)', database: true },
    ...(config.ledger.kind === 'embedded'
      ? [
          { path: paths.ledger, what: 'the embedded ledger (ledger.path)', database: true },
          { path: paths.nodeKey, what: "the ledger's node key (ledger.nodeKey)", database: false },
        ]
      : []),
  ];
}

/**
 * Checks, before anything is opened, that every file of the gateway's data is present and
 * readable: each store would otherwise create an empty file in the place of a lost one and the
 * gateway would carry on over half its data.
 *
 * @throws GridmarkError `DATA_FILE_MISSING` or `DATA_FILE_UNREADABLE`, naming the file in the
 *   message and in `details.file`.
 */
export function checkGatewayDataFiles(config: GatewayConfig, paths: GatewayPaths): void {
  const files = gatewayDataFiles(config, paths);
  const missing = files.filter((f) => !existsSync(f.path));
  const [first] = missing;
  if (first)
    throw new GridmarkError(
      'DATA_FILE_MISSING',
      `${first.path} (${first.what}) is missing${
        missing.length > 1
          ? `, and ${missing.length - 1} more: ${missing
              .slice(1)
              .map((f) => f.path)
              .join(', ')}`
          : ''
      }. Nothing was started or created. Put it back from a backup, or point the configuration at it; a new gateway's data is made once by \`gridmark init\`.`,
      { details: { file: first.path, missing: missing.map((f) => f.path) } },
    );
  for (const file of files) {
    const problem = readProblem(file.path, file.database);
    if (problem !== undefined)
      throw new GridmarkError(
        'DATA_FILE_UNREADABLE',
        `${file.path} (${file.what}) ${problem}. Nothing was started or changed.`,
        { details: { file: file.path } },
      );
  }
}

/** What of the gateway's data already exists where `gridmark init` would write. */
export function existingGatewayData(config: GatewayConfig, paths: GatewayPaths): readonly string[] {
  const found = gatewayDataFiles(config, paths)
    .map((f) => f.path)
    .concat(paths.grantKeyFile)
    .filter((path) => existsSync(path));
  if (existsSync(paths.dataDirectory) && readdirSync(paths.dataDirectory).length > 0)
    found.push(paths.dataDirectory);
  return [...new Set(found)];
}

/** Why `file` cannot serve (undefined when it can): it is read, not trusted by name. */
function readProblem(file: string, database: boolean): string | undefined {
  if (!statSync(file).isFile()) return 'is not a file';
  const head = Buffer.alloc(SQLITE_HEADER.length);
  let read: number;
  try {
    const fd = openSync(file, database ? 'r+' : 'r');
    try {
      read = readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    return `cannot be opened for ${database ? 'reading and writing' : 'reading'} (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
  }
  if (!database) return read === 0 ? 'is empty' : undefined;
  // SQLite may keep a young database's pages in its write-ahead log only.
  if (read === 0)
    return existsSync(`${file}-wal`) && statSync(`${file}-wal`).size > 0 ? undefined : 'is empty';
  return read === head.length && head.equals(SQLITE_HEADER)
    ? undefined
    : 'is not a SQLite database';
}
