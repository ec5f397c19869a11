import {
  createLedger,
  openLedgerOutbox,
  type LedgerAdapter,
  type LedgerOutbox,
} from '../../ledger-adapter/index.js';
import type { Logger } from '../../schema/index.js';
import { openSqliteBillingStore, type BillingStore } from '../billing/index.js';
import { ledgerConfigOf, type GatewayConfig, type GatewayPaths } from '../config/index.js';
import { createRegistry, openSqliteRegistryStore, type Registry } from '../registry/index.js';

/** The gateway's stores, opened: the book, the ledger, its outbox and the registry over them. */
export interface GatewayStores {
  readonly billingStore: BillingStore;
  readonly ledger: LedgerAdapter;
  readonly outbox: LedgerOutbox;
  readonly registry: Registry;
  /** Closes them in order: the registry, the outbox, the ledger, then the book it publishes its head to. */
  close(): Promise<void>;
}

/**
 * Opens the stores a configuration names, as the gateway runs over them. SQLite stores create
 * their file when it is missing: `serve` checks the files first (`checkGatewayDataFiles`), `init`
 * relies on it.
 *
 * @throws GridmarkError from the ledger (`BAD_CONFIGURATION`, `LEDGER_HEAD_MISMATCH`); what was
 *   opened is closed again.
 */
export async function openGatewayStores(
  config: GatewayConfig,
  paths: GatewayPaths,
  baseDirectory: string,
  logger: Logger,
): Promise<GatewayStores> {
  const billingStore = openSqliteBillingStore({ path: paths.billing });
  const registryStore = openSqliteRegistryStore({ path: paths.registry });
  let ledger: LedgerAdapter;
  try {
    // The book and the registry keep the ledger's signed head: a ledger behind it does not open.
    ledger = await createLedger(ledgerConfigOf(config, paths, baseDirectory), {
      logger,
      checkpoints: { witnesses: [billingStore, registryStore] },
    });
  } catch (error) {
    await billingStore.close();
    await registryStore.close();
    throw error;
  }
  const outbox = openLedgerOutbox({ ledger, path: paths.outbox, logger });
  const registry = createRegistry({
    store: registryStore,
    authorityPrefix: config.registry.authorityPrefix,
    ...(config.registry.initialCreditScore === undefined
      ? {}
      : { initialCreditScore: config.registry.initialCreditScore }),
    ...(config.registry.creditThreshold === undefined
      ? {}
      : { creditThreshold: config.registry.creditThreshold }),
    outbound: { allow: config.registry.outboundAllow, deny: config.registry.outboundDeny },
    logger,
    ledger,
    outbox,
    // Feedback on a system is taken only from applications that paid it for data.
    tradedWith: (appId, systemCode) => billingStore.tradedWith(appId, systemCode),
  });
  return {
    billingStore,
    ledger,
    outbox,
    registry,
    close: async () => {
      await registry.close();
      await outbox.close();
      // The ledger publishes its last head to the book as it closes: the book closes after it.
      await ledger.close();
      await billingStore.close();
    },
  };
}
