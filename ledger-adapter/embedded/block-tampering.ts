import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { headerHash } from './block-codec.js';
import { packBlockData, unpackBlockData } from './block-compression.js';
import { headerColumns, signatureColumn } from './block-row.js';
import { LedgerDatabase } from './ledger-database.js';
import { loadNodeKey } from './node-key.js';
import { packStateValue } from './stored-state-values.js';

/**
 * Edits a block's data text in the file as someone holding the file could: decompressed, changed,
 * stored compressed again; with `rehash` its data hash is recomputed too (the header hash and
 * signature stay as they were).
 */
export function editBlockData(
  path: string,
  number: number,
  edit: (text: string) => string,
  options: { readonly rehash?: boolean } = {},
): void {
  const db = new Database(path);
  try {
    const row = db
      .prepare<[number], { data: string | Buffer }>('SELECT data FROM blocks WHERE number = ?')
      .get(number);
    if (row === undefined) throw new Error(`no block ${number} in ${path}`);
    const text = edit(unpackBlockData(row.data));
    db.prepare('UPDATE blocks SET data = ? WHERE number = ?').run(packBlockData(text), number);
    if (options.rehash)
      db.prepare('UPDATE blocks SET data_hash = ? WHERE number = ?').run(
        createHash('sha256').update(text).digest('hex'),
        number,
      );
  } finally {
    db.close();
  }
}

/**
 * Rewrites the head block's data text as someone holding the node key could: data hash, header
 * hash and signature made anew, so that every hash, link and signature checks.
 */
export function forgeHeadBlock(
  path: string,
  nodeKeyPath: string,
  edit: (text: string) => string,
): void {
  const reader = new LedgerDatabase(path, { readonly: true });
  const head = reader.block(reader.height() - 1);
  reader.close();
  if (head === undefined) throw new Error(`no blocks in ${path}`);
  const data = edit(head.data);
  const header = {
    number: head.number,
    previousHash: head.previousHash,
    dataHash: createHash('sha256').update(data).digest('hex'),
    timestamp: head.timestamp,
  };
  const forged = { ...header, hash: headerHash(header), data, signature: '' };
  const signed = { ...forged, signature: loadNodeKey(nodeKeyPath, false).sign(forged.hash) };
  const db = new Database(path);
  try {
    const [previousHash, dataHash, hash] = headerColumns(signed);
    db.prepare(
      'UPDATE blocks SET previous_hash = ?, data_hash = ?, hash = ?, data = ?, signature = ? WHERE number = ?',
    ).run(previousHash, dataHash, hash, packBlockData(data), signatureColumn(signed), head.number);
  } finally {
    db.close();
  }
}

/**
 * Edits a state value in the file as someone holding the file could: read as the ledger reads
 * it, changed, and stored again in the form the state table keeps values in, at the same version.
 */
export function editStateValue(path: string, key: string, edit: (text: string) => string): void {
  const reader = new LedgerDatabase(path, { readonly: true });
  const entry = reader.getState(key);
  reader.close();
  if (entry === undefined) throw new Error(`no state value of ${JSON.stringify(key)} in ${path}`);
  const value = Buffer.from(edit(Buffer.from(entry.value).toString('utf8')), 'utf8');
  const db = new Database(path);
  try {
    db.prepare('UPDATE state SET value = ? WHERE key = ?').run(
      packStateValue(value),
      Buffer.from(key, 'utf8'),
    );
  } finally {
    db.close();
  }
}
