import { dirname } from 'node:path';
import { GridmarkError } from '../schema/errors.js';
import { ensureOwnerOnlyDirectory } from '../schema/owner-only-files.js';
import type { Logger } from '../schema/logger.js';
import { createLedgerAdapter, type LedgerAdapter, type LedgerAdapterOptions } from './adapter/index.js';
import { createEmbeddedLedger } from './embedded/index.js';
import type { FabricLedgerConfig } from './fabric/index.js';
import type { LedgerClient } from './ledger-client.js';

/** Where the demo and a configuration without a path keep the embedded ledger. */
export const DEFAULT_EMBEDDED_LEDGER_PATH = 'data/ledger/ledger.db';

/** The embedded ledger (the default): one SQLite file and its node key beside it. */
export interface EmbeddedLedgerConfig {
  readonly kind: 'embedded';
  /** The SQLite file; its directory is created. Default {@link DEFAULT_EMBEDDED_LEDGER_PATH}. */
  readonly path?: string;
  /** The MSP id the node submits as. */
  readonly mspId?: string;
  /** The most transactions per block (group commit). Default 1,000. */
  readonly maxTransactionsPerBlock?: number;
}

/** A Hyperledger Fabric network, reached through a gateway peer. */
export type FabricLedgerSelection = { readonly kind: 'fabric' } & FabricLedgerConfig;

/** Which ledger to use. A new ledger is one more member here and one more entry in the factory table. */
export type LedgerConfig = EmbeddedLedgerConfig | FabricLedgerSelection;

/** Options of the adapter put over the chosen ledger. */
export interface CreateLedgerOptions extends LedgerAdapterOptions {
  readonly logger?: Logger;
}

type ClientFactories = { readonly [K in LedgerConfig['kind']]: (config: Extract<LedgerConfig, { kind: K }>, options: CreateLedgerOptions) => Promise<LedgerClient> };

const CLIENT_FACTORIES: ClientFactories = {
  embedded: (config, options) => {
    const path = config.path ?? DEFAULT_EMBEDDED_LEDGER_PATH;
    if (typeof path !== 'string' || path.length === 0) throw new GridmarkError('BAD_CONFIGURATION', 'The embedded ledger needs a file path.');
    ensureOwnerOnlyDirectory(dirname(path));
    return Promise.resolve(
      createEmbeddedLedger({
        path,
        ...(config.mspId === undefined ? {} : { mspId: config.mspId }),
        ...(config.maxTransactionsPerBlock === undefined ? {} : { maxTransactionsPerBlock: config.maxTransactionsPerBlock }),
        ...(options.logger === undefined ? {} : { logger: options.logger }),
      }),
    );
  },
  // See docs/fabric.md for the configuration keys; the client checks them and loads the PEMs.
  // Loaded on first use: the Fabric client brings gRPC and protobuf, which the embedded ledger
  // (the default) does not need.
  fabric: async (config) => (await import('./fabric/index.js')).createFabricLedgerClient(config),
};

/**
 * Opens the ledger client the configuration names.
 *
 * @throws GridmarkError BAD_CONFIGURATION for an unknown kind or an invalid configuration
 */
export async function createLedgerClient(config: LedgerConfig, options: CreateLedgerOptions = {}): Promise<LedgerClient> {
  const kind = (config as { kind?: unknown } | undefined)?.kind;
  if (typeof kind !== 'string' || !Object.hasOwn(CLIENT_FACTORIES, kind)) {
    throw new GridmarkError('BAD_CONFIGURATION', `Unknown ledger kind ${JSON.stringify(kind)}; expected one of ${Object.keys(CLIENT_FACTORIES).join(', ')}.`);
  }
  const factory = CLIENT_FACTORIES[kind as LedgerConfig['kind']] as (config: LedgerConfig, options: CreateLedgerOptions) => Promise<LedgerClient>;
  return factory(config, options);
}

/**
 * Opens the configured ledger and puts the typed, cached adapter over it.
 *
 * @throws GridmarkError BAD_CONFIGURATION for an unknown kind or an invalid configuration
 * @example
 * const ledger = await createLedger({ kind: 'embedded', path: 'data/ledger/ledger.db' });
 * await ledger.anchorCommitments({ systemCode: '88.1001.3', commitments });
 * await ledger.close();
 */
export async function createLedger(config: LedgerConfig = { kind: 'embedded' }, options: CreateLedgerOptions = {}): Promise<LedgerAdapter> {
  const client = await createLedgerClient(config, options);
  try {
    return await createLedgerAdapter(client, options);
  } catch (error) {
    await client.close();
    throw error;
  }
}
