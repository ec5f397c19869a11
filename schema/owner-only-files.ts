import {
  chmodSync,
  closeSync,
  existsSync,
  fchmodSync,
  mkdirSync,
  openSync,
  statSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Logger } from './logger.js';

/*
 * Files that hold salts, keys and books (the embedded ledger and its node key, the registry, the
 * billing book, an anchor journal) are readable by their owner only: files 0600, directories 0700,
 * whatever the process's umask. A file found with a looser mode is tightened and a warning says
 * so: the data may have been read while it was open, which the operator should know. (The ledger's
 * node key is the exception: its loader refuses a key that others could read, since a key that may
 * have leaked must be replaced, not kept.)
 */

/** Mode of a file only its owner may read and write. */
export const OWNER_ONLY_FILE_MODE = 0o600;
/** Mode of a directory only its owner may enter. */
export const OWNER_ONLY_DIRECTORY_MODE = 0o700;

/** Where a warning about a tightened mode goes; by default a process warning. */
export interface OwnerOnlyOptions {
  readonly logger?: Pick<Logger, 'warn'>;
}

/** SQLite's side files of a database in WAL (or rollback-journal) mode. */
const SQLITE_SIDE_FILES = ['-wal', '-shm', '-journal'] as const;

/** False on platforms without POSIX modes, where none of this applies. */
const hasModes = process.platform !== 'win32';

/**
 * Creates `path` empty with mode 0600 when it does not exist (the mode is set explicitly, so the
 * umask cannot widen or narrow it); an existing file with a looser mode is tightened, with a warning.
 *
 * @example ensureOwnerOnlyFile('data/registry.db'); const db = new Database('data/registry.db');
 */
export function ensureOwnerOnlyFile(path: string, options: OwnerOnlyOptions = {}): void {
  if (!hasModes) return;
  let fd: number;
  try {
    fd = openSync(path, 'wx', OWNER_ONLY_FILE_MODE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    tighten(path, options);
    return;
  }
  try {
    fchmodSync(fd, OWNER_ONLY_FILE_MODE);
  } finally {
    closeSync(fd);
  }
}

/**
 * Creates directory `path` (and missing parents) with mode 0700. An existing directory is left
 * as it is unless `tighten` is set (for a directory the program owns, such as the demo's data
 * directory): a database's file may live in a directory others share.
 */
export function ensureOwnerOnlyDirectory(
  path: string,
  options: OwnerOnlyOptions & { readonly tighten?: boolean } = {},
): void {
  const missing: string[] = [];
  for (let dir = resolve(path); !existsSync(dir); dir = dirname(dir)) {
    missing.push(dir);
    if (dirname(dir) === dir) break;
  }
  mkdirSync(path, { recursive: true, mode: OWNER_ONLY_DIRECTORY_MODE });
  if (!hasModes) return;
  for (const dir of missing) chmodSync(dir, OWNER_ONLY_DIRECTORY_MODE);
  if (options.tighten && missing.length === 0) tighten(path, options);
}

/**
 * Prepares a SQLite database file before SQLite opens it: the file 0600 (SQLite gives the -wal,
 * -shm and -journal files it creates the database file's mode), and side files left by an
 * earlier run tightened too. In-memory and URI databases are left alone.
 *
 * @example prepareOwnerOnlyDatabase(path); const db = new Database(path);
 */
export function prepareOwnerOnlyDatabase(path: string, options: OwnerOnlyOptions = {}): void {
  if (path === '' || path === ':memory:' || path.startsWith('file:')) return;
  ensureOwnerOnlyFile(path, options);
  for (const suffix of SQLITE_SIDE_FILES)
    if (existsSync(`${path}${suffix}`)) tighten(`${path}${suffix}`, options);
}

/** True when others than the owner may read, write or enter `path`. */
export function isLooserThanOwnerOnly(path: string): boolean {
  return hasModes && (statSync(path).mode & 0o077) !== 0;
}

/** Takes group's and others' rights away (the owner's stay as they are), with a warning. */
function tighten(path: string, options: OwnerOnlyOptions): void {
  if (!hasModes) return;
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) === 0) return;
  chmodSync(path, mode & 0o700);
  const octal = (m: number) => m.toString(8).padStart(4, '0');
  const message = `${path} was open to other users (mode ${octal(mode)}); it is now ${octal(mode & 0o700)}. Its contents may have been read meanwhile.`;
  if (options.logger) options.logger.warn(message);
  else process.emitWarning(message, { code: 'GRIDMARK_LOOSE_FILE_MODE' });
}
