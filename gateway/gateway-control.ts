import type { ApolloServerPlugin } from '@apollo/server';
import type { KeyObject } from 'node:crypto';
import { openLedgerOutbox, type LedgerOutbox } from '../ledger-adapter/index.js';
import type { Logger } from '../schema/index.js';
import {
  createAccessPlugin,
  createFieldDirectory,
  createResolutionRecorder,
  createSubgraphGuard,
  type FieldDirectory,
  type GatewayContext,
  type SubgraphGuard,
} from './access/index.js';
import { createBilling, createBillingPlugin, type Billing } from './billing/index.js';
import type { GatewayAccess } from './gateway-options.js';
import type { Registry } from './registry/index.js';

/** What `/healthz` says of the ledger: how resolutions and trades reach it. */
export interface LedgerHealth {
  readonly resolutions: 'recording' | 'failing';
  readonly trades: 'recording' | 'failing' | 'off';
  readonly outboxBacklog: number;
}

/** Options of a {@link GatewayControl}. */
export interface GatewayControlOptions {
  readonly registry: Registry;
  readonly access: GatewayAccess;
  /** The most distinct devices one operation may name. */
  readonly maxDevices: number;
  readonly logger: Logger;
}

/**
 * Field-level access control with its ledger outbox and, when queries are charged, the billing
 * service: the gateway's parts that exist only over a registry given a ledger and a signing key.
 * Its plugins check and resolve an operation, then price and charge it; its guard signs the grants
 * that go to business systems and verifies what comes back.
 */
export class GatewayControl {
  readonly #fields: FieldDirectory & { close(): void };
  readonly #outbox: LedgerOutbox;
  /** The outbox this control opened (in memory) and closes; undefined when it was given one. */
  readonly #ownOutbox: LedgerOutbox | undefined;
  readonly #logger: Logger;
  /** The billing service, when queries are charged. */
  readonly billing: Billing | undefined;
  readonly guard: SubgraphGuard;
  readonly signingKey: KeyObject;
  /** The access check resolves the operation; billing prices and charges it, so it comes second. */
  readonly plugins: readonly ApolloServerPlugin<GatewayContext>[];

  constructor(options: GatewayControlOptions) {
    const { registry, access, logger } = options;
    const { ledger, signingKey } = access;
    this.#logger = logger;
    this.#fields = createFieldDirectory(registry);
    // Without an outbox given, one in memory that this gateway owns and closes.
    this.#outbox = access.outbox ?? openLedgerOutbox({ ledger, logger });
    this.#ownOutbox = this.#outbox === access.outbox ? undefined : this.#outbox;
    const recorder = createResolutionRecorder(this.#outbox);
    const fields = this.#fields;
    const outbox = this.#outbox;
    const billing = access.billing;
    this.billing = billing
      ? createBilling({
          store: billing.store,
          tariff: billing.tariff,
          ledger,
          registry,
          fields,
          outbox,
          logger,
        })
      : undefined;
    const billingPlugin = this.billing && chargingPlugin(this.billing, billing?.receiptTimeoutMs);
    this.signingKey = signingKey;
    this.guard = createSubgraphGuard({ signingKey, fields, ledger, registry, logger, outbox });
    const accessPlugin = createAccessPlugin({
      registry,
      ledger,
      recorder,
      fields,
      logger,
      maxDevices: options.maxDevices,
    });
    this.plugins = billingPlugin ? [accessPlugin, billingPlugin] : [accessPlugin];
  }

  /** Reads the registered fields and starts the billing service. */
  async start(): Promise<void> {
    await this.#fields.reload();
    await this.billing?.start();
  }

  /** Stops following the registry's fields. */
  closeFields(): void {
    this.#fields.close();
  }

  /** Whether resolutions and trades reach the ledger now, and how many records wait. */
  health(): LedgerHealth {
    // Serving means releasing data: not while the outbox cannot reach the ledger (resolutions and trades both go through it).
    const recording = this.#outbox.healthy() ? 'recording' : 'failing';
    return {
      resolutions: recording,
      trades: this.billing ? recording : 'off',
      outboxBacklog: this.#outbox.backlog,
    };
  }

  /**
   * Stops billing and sends what this gateway appended to the ledger now if it can; what cannot
   * waits in the outbox for the next start.
   */
  async stop(): Promise<void> {
    await this.billing?.stop();
    await this.#outbox
      .flush(5_000, { giveUpWhenFailing: true })
      .catch((error: unknown) =>
        this.#logger.warn(`records still wait for the ledger at stop: ${String(error)}`),
      );
    await this.#ownOutbox?.close();
  }
}

function chargingPlugin(
  billing: Billing,
  receiptTimeoutMs: number | undefined,
): ApolloServerPlugin<GatewayContext> {
  return createBillingPlugin({
    billing,
    ...(receiptTimeoutMs === undefined ? {} : { receiptTimeoutMs }),
  });
}
