import { existsSync } from 'node:fs';
import { GridmarkError } from '../../schema/index.js';
import { signCheckpoint, type LedgerCheckpoint } from '../checkpoints/index.js';
import { decodeBlockData, headerHash, type StoredBlock } from './block-codec.js';
import { LedgerDatabase } from './ledger-database.js';
import { loadNodeKey, locateNodeKey, verifyBlockSignature } from './node-key.js';

/**
 * Signs a checkpoint of the head of the ledger file at `path` with its node key (found as the
 * ledger finds it, or at `nodeKeyPath`): for a ledger that is not open, or for a witness to ask
 * for one while it is. The key must be the one block 0 records, and the head block's hash and
 * signature must check; the rest of the chain is not walked (that is `verifyLedgerFile`).
 *
 * @throws GridmarkError BAD_CONFIGURATION when there is no ledger file or node key;
 *   LEDGER_HEAD_MISMATCH when the key is not block 0's; LEDGER_TAMPERED when the file cannot be
 *   read or its head block does not check
 */
export function signFileCheckpoint(path: string, nodeKeyPath?: string): LedgerCheckpoint {
  if (!existsSync(path)) throw new GridmarkError('BAD_CONFIGURATION', `No ledger file at ${path}.`);
  const keyPath = locateNodeKey(path, nodeKeyPath).path;
  const key = loadNodeKey(keyPath, false);
  let genesis: StoredBlock | undefined;
  let head: StoredBlock | undefined;
  let database: LedgerDatabase | undefined;
  try {
    database = new LedgerDatabase(path, { readonly: true });
    genesis = database.block(0);
    head = database.block(database.height() - 1);
  } catch (error) {
    throw new GridmarkError(
      'LEDGER_TAMPERED',
      `${path} cannot be read as a ledger: ${error instanceof Error ? error.message : String(error)}.`,
      { cause: error },
    );
  } finally {
    database?.close();
  }
  if (genesis === undefined || head === undefined)
    throw new GridmarkError('LEDGER_TAMPERED', `${path} holds no blocks.`);
  if (genesisKey(genesis) !== key.publicKeyPem) {
    throw new GridmarkError(
      'LEDGER_HEAD_MISMATCH',
      `The node key ${keyPath} is not the key of the ledger ${path}: block 0 records another key.`,
    );
  }
  if (
    headerHash(head) !== head.hash ||
    !verifyBlockSignature(key.publicKeyPem, head.hash, head.signature)
  ) {
    throw new GridmarkError(
      'LEDGER_TAMPERED',
      `${path}'s last block ${head.number} does not carry its own hash and the node's signature; run gridmark ledger verify.`,
    );
  }
  return signCheckpoint(
    { height: head.number + 1, head: head.hash, genesis: genesis.hash, at: new Date() },
    key,
  );
}

function genesisKey(block: StoredBlock): string | undefined {
  try {
    return decodeBlockData(block.data).genesis?.publicKey;
  } catch {
    return undefined;
  }
}
