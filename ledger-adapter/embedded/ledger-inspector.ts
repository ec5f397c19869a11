import { existsSync } from 'node:fs';
import { GridmarkError } from '../../schema/index.js';
import { displayKey } from '../runtime/index.js';
import { decodeBlockData, type BlockData, type StoredBlock } from './block-codec.js';
import { LedgerDatabase } from './ledger-database.js';

/** A block with its data parsed. */
export interface InspectedBlock extends Omit<StoredBlock, 'data'> {
  readonly data: BlockData;
}

/** A read-only view of an embedded ledger file, for `gridmark ledger show`. */
export interface LedgerInspector {
  readonly height: number;
  block(number: number): InspectedBlock | undefined;
  /** Up to `limit` blocks from `from` on. */
  blocks(from: number, limit: number): InspectedBlock[];
  /** State entries whose readable key (`anchor | <device> | <field>`) starts with `prefix`, at most `limit`. */
  state(
    prefix: string,
    limit: number,
  ): { key: string; value: string; blockNumber: number; txNumber: number }[];
  close(): void;
}

/**
 * Opens an embedded ledger file read-only.
 *
 * @throws GridmarkError BAD_CONFIGURATION when there is no ledger file at `path`
 */
export function inspectLedgerFile(path: string): LedgerInspector {
  if (!existsSync(path)) throw new GridmarkError('BAD_CONFIGURATION', `No ledger file at ${path}.`);
  let database: LedgerDatabase;
  let height: number;
  try {
    database = new LedgerDatabase(path, { readonly: true });
    height = database.height();
  } catch (error) {
    throw new GridmarkError('BAD_CONFIGURATION', `${path} is not an embedded ledger file.`, {
      cause: error,
    });
  }
  const inspect = (block: StoredBlock): InspectedBlock => ({
    ...block,
    data: decodeBlockData(block.data),
  });
  return {
    height,
    block: (number) => {
      const block = database.block(number);
      return block === undefined ? undefined : inspect(block);
    },
    blocks: (from, limit) => database.blocks(from, limit).map(inspect),
    state: (prefix, limit) => {
      const found: { key: string; value: string; blockNumber: number; txNumber: number }[] = [];
      for (const entry of database.allState()) {
        const key = displayKey(entry.key);
        if (!key.startsWith(prefix)) continue;
        found.push({
          key,
          value: Buffer.from(entry.value).toString('utf8'),
          blockNumber: Number(entry.version.blockNumber),
          txNumber: entry.version.txNumber,
        });
        if (found.length >= limit) break;
      }
      return found;
    },
    close: () => database.close(),
  };
}
