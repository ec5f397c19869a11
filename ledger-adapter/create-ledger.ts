import { dirname } from 'node:path';
import { GridmarkError, ensureOwnerOnlyDirectory, type Logger } from '../schema/index.js';
import {
  createLedgerAdapter,
  type LedgerAdapter,
  type LedgerAdapterOptions,
} from './adapter/index.js';
import { openWitnessedLedger, type CheckpointOptions } from './checkpoints/index.js';
import { createEmbeddedLedger, NODE_KEY_ENV } from './embedded/index.js';
import type { FabricLedgerConfig } from './fabric/index.js';
import type { LedgerClient } from './ledger-client.js';

/** Where the demo and a configuration without a path keep the embedded ledger. */
export const DEFAULT_EMBEDDED_LEDGER_PATH = 'data/ledger/ledger.db';

/** The embedded ledger (the default): one SQLite file and its node key. */
export interface EmbeddedLedgerConfig {
  readonly kind: 'embedded';
  /** The SQLite file; its directory is created. Default {@link DEFAULT_EMBEDDED_LEDGER_PATH}. */
  readonly path?: string;
  /**
   * The node key's file. Default: the `GRIDMARK_NODE_KEY` environment variable, else
   * `keys/<file>.node-key.pem` in the ledger's directory (or, for an older ledger, its key beside
   * the database, used there with a warning).
   */
  readonly nodeKeyPath?: string;
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
  /**
   * Stores that witness the embedded ledger's head (the billing book, the registry): the ledger
   * does not open behind, beside or under another key than the latest checkpoint one of them
   * holds, and publishes its signed head to them as it grows and when it closes. Fabric's peers
   * keep their own chain: there it is not used.
   */
  readonly checkpoints?: CheckpointOptions;
}

type ClientFactories = {
  readonly [K in LedgerConfig['kind']]: (
    config: Extract<LedgerConfig, { kind: K }>,
    options: CreateLedgerOptions,
  ) => Promise<LedgerClient>;
};

const CLIENT_FACTORIES: ClientFactories = {
  embedded: (config, options) => {
    const path = config.path ?? DEFAULT_EMBEDDED_LEDGER_PATH;
    if (typeof path !== 'string' || path.length === 0)
      throw new GridmarkError('BAD_CONFIGURATION', 'The embedded ledger needs a file path.');
    ensureOwnerOnlyDirectory(dirname(path));
    const nodeKeyPath = config.nodeKeyPath ?? process.env[NODE_KEY_ENV];
    const ledger = createEmbeddedLedger({
      path,
      ...(nodeKeyPath === undefined || nodeKeyPath === '' ? {} : { nodeKeyPath }),
      ...(config.mspId === undefined ? {} : { mspId: config.mspId }),
      ...(config.maxTransactionsPerBlock === undefined
        ? {}
        : { maxTransactionsPerBlock: config.maxTransactionsPerBlock }),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    });
    return options.checkpoints
      ? openWitnessedLedger(ledger, {
          ...options.checkpoints,
          ...(options.logger === undefined ? {} : { logger: options.logger }),
        })
      : Promise.resolve(ledger);
  },
  // See docs/fabric.md for the configuration keys; the client checks them and loads the PEMs.
  // Loaded on first use: the Fabric client brings gRPC and protobuf, which the embedded ledger
  // (the default) does not need.
  fabric: async (config) => (await import('./fabric/index.js')).createFabricLedgerClient(config),
};

/**
 * Opens the ledger client the configuration names.
 *
 * @throws GridmarkError BAD_CONFIGURATION for an unknown kind or an invalid configuration;
 *   LEDGER_HEAD_MISMATCH when the embedded ledger's node key is not its own, or the ledger does
 *   not hold the head its witnesses keep
 */
export async function createLedgerClient(
  config: LedgerConfig,
  options: CreateLedgerOptions = {},
): Promise<LedgerClient> {
  const kind = (config as { kind?: unknown } | undefined)?.kind;
  if (typeof kind !== 'string' || !Object.hasOwn(CLIENT_FACTORIES, kind)) {
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      `Unknown ledger kind ${JSON.stringify(kind)}; expected one of ${Object.keys(CLIENT_FACTORIES).join(', ')}.`,
    );
  }
  const factory = CLIENT_FACTORIES[kind as LedgerConfig['kind']] as (
    config: LedgerConfig,
    options: CreateLedgerOptions,
  ) => Promise<LedgerClient>;
  return factory(config, options);
}

/**
 * Opens the configured ledger and puts the typed, cached adapter over it.
 *
 * @throws GridmarkError BAD_CONFIGURATION for an unknown kind or an invalid configuration;
 *   LEDGER_HEAD_MISMATCH as {@link createLedgerClient}
 * @example
 * const ledger = await createLedger({ kind: 'embedded', path: 'data/ledger/ledger.db' });
 * await ledger.anchorCommitments({ systemCode: '88.1001.3', commitments });
 * await ledger.close();
 */
export async function createLedger(
  config: LedgerConfig = { kind: 'embedded' },
  options: CreateLedgerOptions = {},
): Promise<LedgerAdapter> {
  const client = await createLedgerClient(config, options);
  try {
    return await createLedgerAdapter(client, options);
  } catch (error) {
    await client.close();
    throw error;
  }
}
