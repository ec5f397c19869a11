import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import {
  DEVELOPMENT_OUTBOUND,
  createGateway,
  createRegistry,
  openSqliteRegistryStore,
  type Gateway,
  type Registry,
} from '../../gateway/index.js';
import { createLedger, type LedgerAdapter } from '../../ledger-adapter/index.js';
import { silentLogger } from '../../schema/index.js';

/** An embedded ledger, a SQLite registry and a gateway with access control, listening. */
export interface CheckedGateway {
  readonly ledger: LedgerAdapter;
  readonly registry: Registry;
  readonly gateway: Gateway;
  /** The gateway's GraphQL URL. */
  readonly url: string;
  /** The gateway's Ed25519 grant-signing key. */
  readonly signingKey: KeyObject;
}

/**
 * Starts, in `dir`, the embedded ledger (`ledger.db`), the registry (`registry.db`, authority
 * 88.1001) and a gateway with access control on port 0, signing grants with a fresh key.
 */
export async function startCheckedGateway(dir: string): Promise<CheckedGateway> {
  const signingKey = generateKeyPairSync('ed25519').privateKey;
  const ledger = await createLedger({ kind: 'embedded', path: join(dir, 'ledger.db') });
  const registry = createRegistry({
    store: openSqliteRegistryStore({ path: join(dir, 'registry.db') }),
    outbound: DEVELOPMENT_OUTBOUND,
    authorityPrefix: '88.1001',
    ledger,
  });
  const gateway = createGateway({
    registry,
    access: { ledger, signingKey },
    logger: silentLogger,
  });
  await gateway.start();
  const url = await gateway.listen(0);
  return { ledger, registry, gateway, url, signingKey };
}
