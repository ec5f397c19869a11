import { createHash } from 'node:crypto';
import type { StateEntry } from '../contract-runtime.js';

/**
 * The SHA-256 (hex) of a world state: every entry in key order, each as its key, its value and
 * the version that wrote it, length-prefixed so that no two states share a digest by how their
 * bytes run together. Two files whose state digests are equal hold the same state, version for
 * version; an archive's digest, recorded when blocks are pruned, ties the state a pruned chain
 * starts from to the archive that proves it.
 *
 * @param entries the state in key order (UTF-8 byte order), as `LedgerDatabase.allState()` or a
 *   replay (`MemoryWorldState.entries()`) gives it
 */
export function stateDigest(entries: Iterable<{ readonly key: string } & StateEntry>): string {
  const hash = createHash('sha256');
  const head = Buffer.alloc(4);
  const version = Buffer.alloc(12);
  for (const entry of entries) {
    const key = Buffer.from(entry.key, 'utf8');
    head.writeUInt32BE(key.length);
    hash.update(head).update(key);
    head.writeUInt32BE(entry.value.length);
    hash.update(head).update(entry.value);
    version.writeBigUInt64BE(entry.version.blockNumber);
    version.writeUInt32BE(entry.version.txNumber, 8);
    hash.update(version);
  }
  return hash.digest('hex');
}
