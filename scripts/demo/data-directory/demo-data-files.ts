import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { locateNodeKey, NODE_KEY_ENV } from '../../../ledger-adapter/index.js';
import { GridmarkError, OWNER_ONLY_FILE_MODE } from '../../../schema/index.js';
import { DEMO_SYSTEMS } from '../systems/demo-systems.js';

/*
 * A demo network's data directory keeps a list of the databases it holds (`gridmark-data.json`):
 * the seed writes the systems' databases into it, the first start adds the ledger, the registry,
 * the book, the anchor journals and any other database the network keeps there, once each exists.
 * A start checks that every database on the list, and the ledger's node key wherever the ledger
 * finds it, is there and readable before it opens anything, since each store would otherwise
 * create an empty file in the place of a lost one and carry on with half a network.
 */

/** The aggregator's registry database inside the demo data folder. */
export const REGISTRY_FILE = 'registry.db';
/** The embedded ledger inside the demo data folder (its node key: see {@link demoNodeKeyFile}). */
export const LEDGER_FILE = 'ledger.db';
/** The billing book's file in the data directory. */
export const BILLING_FILE = 'billing.db';
/** The ledger outbox: resolutions, trades and evidence waiting for the ledger. */
export const OUTBOX_FILE = 'ledger-outbox.db';

/** The list of a data directory's databases, inside it. */
export const DATA_MANIFEST_FILE = 'gridmark-data.json';

/** The first 16 bytes of every SQLite database file. */
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/** The databases a demo network in `dataDir` holds once seeded, and once started. */
export function demoNetworkFiles(dataDir: string): {
  readonly seeded: readonly string[];
  readonly started: readonly string[];
} {
  return {
    seeded: DEMO_SYSTEMS.map((s) => join(dataDir, `${s.name}.db`)),
    started: [
      join(dataDir, LEDGER_FILE),
      join(dataDir, REGISTRY_FILE),
      join(dataDir, BILLING_FILE),
      join(dataDir, OUTBOX_FILE),
      ...DEMO_SYSTEMS.map((s) => join(dataDir, `${s.name}.anchors.db`)),
    ],
  };
}

/** Where the ledger in `dataDir` finds its node key: `GRIDMARK_NODE_KEY`, else its keys directory (or, for an older ledger, beside it). */
export function demoNodeKeyFile(dataDir: string): string {
  return locateNodeKey(join(dataDir, LEDGER_FILE), process.env[NODE_KEY_ENV]).path;
}

/** What a data directory holds, as far as a start is concerned. */
export type DataDirectoryState =
  /** No directory, or an empty one: a new network is seeded there. */
  | { readonly kind: 'fresh' }
  /** A network whose every listed file is present and readable. */
  | { readonly kind: 'intact'; readonly files: readonly string[] };

/**
 * Inspects a demo data directory without changing it. A directory that holds anything must hold
 * every file its list names (or, for a directory from before the list, every file a network in
 * its state holds: the systems' databases, and once it has been started the ledger, node key,
 * registry, book and journals), each present and readable.
 *
 * @throws GridmarkError `DATA_FILE_MISSING` or `DATA_FILE_UNREADABLE`, naming the file in the
 *   message and in `details.file`, and saying how to start a new network instead.
 */
export function inspectDemoDataDirectory(dataDir: string): DataDirectoryState {
  if (!existsSync(dataDir)) return { kind: 'fresh' };
  if (!statSync(dataDir).isDirectory()) throw unreadable(dataDir, dataDir, 'is not a directory');
  if (readdirSync(dataDir).length === 0) return { kind: 'fresh' };
  const files = expectedFiles(dataDir);
  const missing = files.filter((f) => !existsSync(f));
  if (missing.length > 0) throw missingFiles(dataDir, missing);
  for (const file of files) {
    const problem = readProblem(file);
    if (problem !== undefined) throw unreadable(dataDir, file, problem);
  }
  return { kind: 'intact', files };
}

/**
 * Adds every database in `dataDir` (its `*.db` files) to its list. Nothing is taken off the list:
 * a database that disappears later is what the list is there to notice. (A database that is no
 * longer part of the network is forgotten by deleting its line from the list.)
 */
export function recordDemoDataFiles(dataDir: string): void {
  const listed = new Set(readManifest(dataDir) ?? []);
  const before = listed.size;
  for (const name of readdirSync(dataDir))
    if (name.endsWith('.db') && statSync(join(dataDir, name)).isFile()) listed.add(name);
  const path = join(dataDir, DATA_MANIFEST_FILE);
  if (listed.size === before && existsSync(path)) return;
  const next = `${path}.next`;
  writeFileSync(next, `${JSON.stringify({ files: [...listed].sort() }, null, 2)}\n`, {
    mode: OWNER_ONLY_FILE_MODE,
  });
  renameSync(next, path);
}

/**
 * The files a start requires: the databases listed (or, without a list, those the directory shows
 * it should hold), and the node key of a ledger among them.
 */
function expectedFiles(dataDir: string): readonly string[] {
  const listed = readManifest(dataDir);
  const { seeded, started } = demoNetworkFiles(dataDir);
  // A directory from before the list: once any part of a started network is there, all of it
  // must be. The gateway's stores sit beside the systems' databases in a network started in
  // process; `npm start` keeps them in the gateway's own folder, which its configuration checks.
  const stores = started.filter((f) => !f.endsWith('.anchors.db'));
  const journals = started.filter((f) => f.endsWith('.anchors.db'));
  const databases =
    listed !== undefined
      ? listed.map((name) => join(dataDir, name))
      : stores.some((f) => existsSync(f))
        ? [...seeded, ...started]
        : journals.some((f) => existsSync(f))
          ? [...seeded, ...journals]
          : seeded;
  return databases.includes(join(dataDir, LEDGER_FILE))
    ? [...databases, demoNodeKeyFile(dataDir)]
    : databases;
}

/** The list's entries; undefined when the directory has no list. */
function readManifest(dataDir: string): readonly string[] | undefined {
  const path = join(dataDir, DATA_MANIFEST_FILE);
  if (!existsSync(path)) return undefined;
  let files: unknown;
  try {
    files = (JSON.parse(readFileSync(path, 'utf8')) as { files?: unknown }).files;
  } catch (cause) {
    throw unreadable(dataDir, path, "cannot be read as the list of the network's files", cause);
  }
  const isName = (f: unknown): f is string =>
    typeof f === 'string' && f.length > 0 && basename(f) === f && f !== '..';
  if (!Array.isArray(files) || !files.every(isName))
    throw unreadable(dataDir, path, "is not a list of the network's files");
  return files;
}

/** Why `file` cannot serve as what it is (undefined when it can): it is read, not trusted by name. */
function readProblem(file: string): string | undefined {
  if (!statSync(file).isFile()) return 'is not a file';
  const head = Buffer.alloc(SQLITE_HEADER.length);
  let read: number;
  try {
    const fd = openSync(file, 'r+');
    try {
      read = readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    return `cannot be opened for reading and writing (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
  }
  if (!file.endsWith('.db')) return read === 0 ? 'is empty' : undefined;
  // SQLite may keep a young database's pages in its write-ahead log only.
  if (read === 0)
    return existsSync(`${file}-wal`) && statSync(`${file}-wal`).size > 0 ? undefined : 'is empty';
  return read === head.length && head.equals(SQLITE_HEADER)
    ? undefined
    : 'is not a SQLite database';
}

/**
 * A refusal of the demo gateway's own files (`gridmark serve`'s check of its stores and keys),
 * said as every other refusal of the demo's data directory is: the network it belongs to, and how
 * to start a new one instead. Other errors pass through as they are.
 */
export function asDemoDataError(dataDir: string, error: unknown): unknown {
  if (!(error instanceof GridmarkError)) return error;
  const details = (error.details ?? {}) as { file?: unknown; missing?: unknown };
  if (error.code === 'DATA_FILE_MISSING') {
    const missing = Array.isArray(details.missing)
      ? (details.missing as string[])
      : typeof details.file === 'string'
        ? [details.file]
        : undefined;
    if (missing !== undefined) return missingFiles(dataDir, missing);
  }
  if (error.code === 'DATA_FILE_UNREADABLE' && typeof details.file === 'string')
    return new GridmarkError(
      'DATA_FILE_UNREADABLE',
      `The demo network in ${dataDir} cannot be started: ${error.message.replace(/ Nothing was started or changed\.$/, '')} ${reseedAdvice(dataDir)}`,
      { details: { file: details.file }, cause: error },
    );
  return error;
}

/** How to start over instead, said the same way in every refusal. */
function reseedAdvice(dataDir: string): string {
  return `Nothing was started or changed. Put the file back (from a backup, or from where it was moved), or start a new demo network with \`npm start -- --data-dir ${dataDir} --reseed\`, which moves the whole directory aside to ${dataDir}.old-<time> (nothing is deleted).`;
}

function missingFiles(dataDir: string, missing: readonly string[]): GridmarkError {
  const [first = '', ...more] = missing;
  const others = more.length === 0 ? '' : ` (and ${more.length} more: ${more.join(', ')})`;
  const key = missing.includes(demoNodeKeyFile(dataDir))
    ? ` If the ledger's node key is kept elsewhere, name its file with ${NODE_KEY_ENV}.`
    : '';
  return new GridmarkError(
    'DATA_FILE_MISSING',
    `The demo network in ${dataDir} is incomplete: ${first} is missing${others}.${key} ${reseedAdvice(dataDir)}`,
    { details: { file: first, missing } },
  );
}

function unreadable(
  dataDir: string,
  file: string,
  problem: string,
  cause?: unknown,
): GridmarkError {
  return new GridmarkError(
    'DATA_FILE_UNREADABLE',
    `The demo network in ${dataDir} cannot be started: ${file} ${problem}. ${reseedAdvice(dataDir)}`,
    { details: { file }, ...(cause === undefined ? {} : { cause }) },
  );
}
