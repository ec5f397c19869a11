import { randomBytes } from 'node:crypto';
import type { LedgerAdapter } from '../../ledger-adapter/adapter/index.js';
import type { LedgerOutbox } from '../../ledger-adapter/outbox/index.js';
import type { Resolution, Trade, TradeReceipt } from '../../ledger-adapter/contract/records.js';
import { GridmarkError, type Logger } from '../../schema/index.js';
import type { Registry } from '../registry/registry-service.js';
import { forbid, requireAdmin, requireOverseer } from '../registry/caller-permissions.js';
import type { Caller } from '../registry/registry-types.js';
import type { FieldDirectory } from '../access/field-directory.js';
import { BookConflict, type BillingStore } from './billing-store.js';
import { linkBookToLedger, type BookLedgerLink } from './book-ledger-link.js';
import { reconcilePeriod, type Reconciliation } from './reconciliation.js';
import {
  EXTERNAL_ACCOUNT,
  PLATFORM_ACCOUNT,
  type Account,
  type BookCheck,
  type JournalRow,
  type Settlement,
  type Statement,
  type TradeRecord,
} from './billing-types.js';
import { requireAmountFen, sumFen } from './money.js';
import { chargeDelivered, quoteQuery, type Quote } from './pricing.js';
import { checkTariff, type Tariff } from './tariff.js';

/** A query charged: its trade contract and the application's account afterwards. */
export interface ChargedQuery {
  readonly trade: Trade;
  readonly account: Account;
  /** The trade's ledger receipt once it is recorded; null when the ledger refused it (it is then refunded) or cannot be reached. */
  readonly onLedger: Promise<TradeReceipt | null>;
}

/**
 * Trading and finance (patent claims 5-7, [0066], [0096]-[0099]): quotes, prepaid application
 * accounts, per-use charges that become trade contracts on the ledger, business systems'
 * receivables, statements and settlements. Money is integer fen in a double-entry book.
 */
export interface Billing {
  readonly tariff: Tariff;
  /** Prices an operation that a resolution covers, from the fields it selects. */
  quote(resolution: Resolution, selectedFields: ReadonlySet<string>): Quote;
  /** Reserves a quote's total for a query. @throws GridmarkError PAYMENT_REQUIRED, LEDGER_UNAVAILABLE */
  reserve(
    applicationId: string,
    quote: Quote,
  ): Promise<{ readonly holdId: string; readonly account: Account }>;
  /**
   * Charges a reserved query for the values it released verified (withheld, tampered and
   * unverified values are free), exactly once; or releases the hold when none were.
   */
  charge(
    holdId: string,
    input: {
      readonly applicationId: string;
      readonly function: string;
      readonly quote: Quote;
      readonly verified: readonly { readonly device: string; readonly fieldCode: string }[];
    },
  ): Promise<ChargedQuery | undefined>;

  account(caller: Caller, accountId: string): Promise<Account>;
  /** Credits a payment received for an application. Platform admins. */
  topUp(
    caller: Caller,
    input: {
      readonly applicationId: string;
      readonly amountFen: unknown;
      readonly paymentReference: string;
    },
  ): Promise<Account>;
  setCreditLimit(caller: Caller, applicationId: string, creditLimitFen: unknown): Promise<Account>;
  statement(
    caller: Caller,
    accountId: string,
    period: { readonly from?: string | null; readonly to?: string | null },
  ): Promise<Statement>;
  trade(caller: Caller, tradeId: string): Promise<TradeRecord>;
  trades(
    caller: Caller,
    filter: {
      readonly applicationId?: string | null;
      readonly systemCode?: string | null;
      readonly from?: string | null;
      readonly to?: string | null;
      readonly limit?: number | null;
    },
  ): Promise<readonly TradeRecord[]>;
  /** Closes the period since the last settlement. Platform admins; every trade of the period must be on the ledger. */
  settle(caller: Caller): Promise<Settlement>;
  settlements(caller: Caller): Promise<readonly Settlement[]>;
  journal(
    caller: Caller,
    period: { readonly from?: string | null; readonly to?: string | null },
  ): Promise<readonly JournalRow[]>;
  reconcile(
    caller: Caller,
    period: { readonly from?: string | null; readonly to?: string | null },
  ): Promise<Reconciliation>;
  check(caller: Caller): Promise<BookCheck>;
  /** True once the application has paid the system in a trade (feedback needs it). */
  tradedWith(applicationId: string, systemCode: string): Promise<boolean>;
  /** False while trades cannot reach the ledger: the gateway then refuses charged queries. */
  healthy(): boolean;
  /** Releases holds left by a stopped process, charges registration fees, records pending trades. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Options of {@link createBilling}. */
export interface BillingOptions {
  readonly store: BillingStore;
  readonly ledger: LedgerAdapter;
  readonly registry: Registry;
  /** The gateway's directory of the active systems' fields. */
  readonly fields: Pick<FieldDirectory, 'byName'>;
  readonly tariff: Tariff;
  /** Where trades wait for the ledger, after the resolutions they pay for. */
  readonly outbox: LedgerOutbox;
  readonly logger: Logger;
}

/** The most trades one listing returns. */
const MAX_LISTING = 1_000;
/** How long a settlement waits for pending trades to reach the ledger. */
const SETTLE_FLUSH_MS = 10_000;

/** Creates the billing service over a book and the ledger. */
export function createBilling(options: BillingOptions): Billing {
  const { store, registry, logger } = options;
  const tariff = checkTariff(options.tariff);
  const { outbox } = options;
  /** Charges the registration fee of every registered system that has not paid it yet. */
  const chargeRegistrationFees = async (): Promise<void> => {
    if (tariff.registrationFeeFen === 0) return;
    for (const s of await registry.listSystems()) {
      if (await store.chargeRegistrationFee(s.code, tariff.registrationFeeFen))
        logger.info(`registration fee of ${s.code}: ${tariff.registrationFeeFen} fen`);
    }
  };
  let unsubscribe: (() => void) | undefined;
  let link: BookLedgerLink | undefined;

  const translate = (error: unknown): never => {
    if (error instanceof BookConflict)
      throw new GridmarkError(error.reason, error.message, {
        details: { ...error.details },
        cause: error,
      });
    throw error;
  };
  /** Admins and auditors see every account; an application its own; a system's operator the system's. */
  const requireReader = (caller: Caller, accountId: string): void => {
    if (caller.role === 'PLATFORM_ADMIN' || caller.role === 'AUDITOR') return;
    if (caller.role === 'APPLICATION' && caller.appId === accountId) return;
    if (caller.role === 'ENTERPRISE_USER' && caller.systemCode === accountId) return;
    forbid(caller, `read account ${accountId}`);
  };
  /** Opens the account of a registered application or system on first use; anything else is unknown. */
  const knownAccount = async (accountId: string): Promise<Account> => {
    const existing = await store.getAccount(accountId);
    if (existing) return existing;
    if (await registry.getApplication(accountId))
      return store.openAccount(accountId, 'APPLICATION');
    if (await registry.getSystem(accountId)) return store.openAccount(accountId, 'SYSTEM');
    if (accountId === PLATFORM_ACCOUNT) return store.openAccount(accountId, 'PLATFORM');
    if (accountId === EXTERNAL_ACCOUNT) return store.openAccount(accountId, 'EXTERNAL');
    throw new GridmarkError(
      'UNKNOWN_ACCOUNT',
      `there is no account ${accountId}: accounts are registered applications (APP-nnnn), business systems (their codes), ${PLATFORM_ACCOUNT} and ${EXTERNAL_ACCOUNT}.`,
      { details: { account: accountId } },
    );
  };
  const period = (input: {
    readonly from?: string | null;
    readonly to?: string | null;
  }): { from: string; to: string } => {
    const from = input.from ? requireTime(input.from, 'from') : '1970-01-01T00:00:00.000Z';
    const to = input.to ? requireTime(input.to, 'to') : new Date(Date.now() + 1).toISOString();
    if (to <= from)
      throw new GridmarkError('BAD_INPUT', `the period ends (${to}) before it starts (${from}).`, {
        details: { field: 'to' },
      });
    return { from, to };
  };

  return {
    tariff,
    // The field directory holds the fields of active systems only: a suspended system's are not billable.
    quote: (resolution, selected) =>
      quoteQuery(
        resolution,
        selected,
        tariff,
        (field, systemCode) => options.fields.byName(field)?.systemCode === systemCode,
      ),
    async reserve(applicationId, quote) {
      if (!outbox.healthy())
        throw new GridmarkError(
          'LEDGER_UNAVAILABLE',
          'Trades cannot reach the ledger; charged queries are refused until they can.',
        );
      const holdId = randomBytes(32).toString('hex');
      const hold = () =>
        store.hold({ holdId, accountId: applicationId, amountFen: quote.totalFen });
      // An application's account opens on its first query; after that a hold is one read.
      const account = await hold()
        .catch(async (error: unknown) => {
          if (!(error instanceof BookConflict && error.reason === 'UNKNOWN_ACCOUNT')) throw error;
          await knownAccount(applicationId);
          return hold();
        })
        .catch(translate);
      return { holdId, account };
    },
    async charge(holdId, input) {
      const charge = chargeDelivered(input.quote, input.verified, tariff);
      if (!charge) {
        await store.release(holdId);
        return undefined;
      }
      const values = charge.items.reduce((n, i) => n + i.fieldCodes.length, 0);
      const memo = `${input.function}: ${charge.items.length} device(s), ${values} value(s); platform: commission ${charge.platformFeeFen - tariff.resolutionFeeFen} + resolution fee ${tariff.resolutionFeeFen}`;
      const charged = await store
        .charge(
          holdId,
          {
            tradeId: holdId,
            applicationId: input.applicationId,
            resolutionId: input.quote.resolutionId,
            function: input.function,
            ...charge,
          },
          memo,
        )
        .catch(translate);
      // The book holds the trade as PENDING; should the process die before this append, start() offers it again.
      const onLedger = outbox.append({ kind: 'trade', body: charged.trade }).then(
        (outcome) => (outcome.status === 'recorded' ? (outcome.receipt ?? null) : null),
        () => null,
      );
      return { ...charged, onLedger };
    },

    async account(caller, accountId) {
      requireReader(caller, accountId);
      return knownAccount(accountId);
    },
    async topUp(caller, input) {
      requireAdmin(caller, 'record payments');
      const amountFen = requireAmountFen(input.amountFen, 'amountFen', { positive: true });
      const reference = requireReference(input.paymentReference);
      const account = await knownAccount(input.applicationId);
      if (account.kind !== 'APPLICATION')
        throw new GridmarkError(
          'UNKNOWN_ACCOUNT',
          `${input.applicationId} is not an application account; only applications are topped up.`,
          { details: { account: input.applicationId } },
        );
      // Balances stay exact: neither the application's nor the outside world's (which pays every top-up) may pass the largest safe integer.
      sumFen([account.balanceFen, amountFen], 'amountFen');
      sumFen(
        [-((await store.getAccount(EXTERNAL_ACCOUNT))?.balanceFen ?? 0), amountFen],
        'amountFen',
      );
      const updated = await store
        .topUp({
          accountId: input.applicationId,
          amountFen,
          paymentReference: reference,
          memo: `payment ${reference} recorded by ${caller.role === 'ANONYMOUS' ? 'anonymous' : caller.keyId}`,
        })
        .catch(translate);
      logger.info(`top-up of ${input.applicationId}: ${amountFen} fen (payment ${reference})`);
      return updated;
    },
    async setCreditLimit(caller, applicationId, creditLimitFen) {
      requireAdmin(caller, 'set credit limits');
      const limit = requireAmountFen(creditLimitFen, 'creditLimitFen');
      const account = await knownAccount(applicationId);
      if (account.kind !== 'APPLICATION')
        throw new GridmarkError(
          'UNKNOWN_ACCOUNT',
          `${applicationId} is not an application account.`,
          { details: { account: applicationId } },
        );
      return store.setCreditLimit(applicationId, limit).catch(translate);
    },
    async statement(caller, accountId, input) {
      requireReader(caller, accountId);
      await knownAccount(accountId);
      const { from, to } = period(input);
      return store.statement(accountId, from, to).catch(translate);
    },
    async trade(caller, tradeId) {
      const record = await store.getTrade(tradeId);
      const visible =
        record &&
        (caller.role === 'PLATFORM_ADMIN' ||
          caller.role === 'AUDITOR' ||
          (caller.role === 'APPLICATION' && caller.appId === record.trade.applicationId) ||
          (caller.role === 'ENTERPRISE_USER' &&
            record.trade.payees.some((p) => p.systemCode === caller.systemCode)));
      if (!record || !visible)
        throw new GridmarkError('NOT_FOUND', `no trade ${tradeId} visible to the caller.`);
      return record;
    },
    async trades(caller, filter) {
      let applicationId = filter.applicationId ?? undefined;
      let systemCode = filter.systemCode ?? undefined;
      if (caller.role === 'APPLICATION') applicationId = caller.appId;
      else if (caller.role === 'ENTERPRISE_USER') systemCode = caller.systemCode;
      else requireOverseer(caller, 'list trades');
      const { from, to } = period(filter);
      const limit = Math.min(Math.max(filter.limit ?? 100, 1), MAX_LISTING);
      return store.listTrades({
        ...(applicationId ? { applicationId } : {}),
        ...(systemCode ? { systemCode } : {}),
        from,
        to,
        limit,
      });
    },
    async settle(caller) {
      requireAdmin(caller, 'run settlements');
      // Give the period's last trades a moment to reach the ledger; a ledger that is down refuses the run below.
      await outbox.flush(SETTLE_FLUSH_MS).catch(() => undefined);
      const previous = (await store.settlements()).at(-1);
      const counts = await store.tradeCounts(
        previous?.to ?? '1970-01-01T00:00:00.000Z',
        new Date(Date.now() + 1).toISOString(),
      );
      if (counts.pending > 0)
        throw new GridmarkError(
          'LEDGER_UNAVAILABLE',
          `${counts.pending} trade(s) of the period are not on the ledger yet; a period settles only when its trades are recorded.`,
        );
      const settlement = await store
        .settle(caller.role === 'ANONYMOUS' ? 'anonymous' : caller.keyId)
        .catch(translate);
      logger.info(
        `settlement ${settlement.id} closed ${settlement.from} to ${settlement.to}: ${settlement.trades} trade(s), ${settlement.payouts.length} payout(s)`,
      );
      return settlement;
    },
    async settlements(caller) {
      requireOverseer(caller, 'read settlements');
      return store.settlements();
    },
    async journal(caller, input) {
      requireOverseer(caller, 'export the journal');
      const { from, to } = period(input);
      return store.journal(from, to);
    },
    async reconcile(caller, input) {
      requireOverseer(caller, 'reconcile with the ledger');
      return reconcilePeriod(store, options.ledger, period(input));
    },
    async check(caller) {
      requireOverseer(caller, 'check the book');
      return store.check();
    },
    tradedWith: (applicationId, systemCode) => store.tradedWith(applicationId, systemCode),
    healthy: () => outbox.healthy(),
    async start() {
      const released = await store.releaseAllHolds();
      if (released > 0)
        logger.warn(
          `released ${released} hold(s) of queries that were cut off before they were charged`,
        );
      await chargeRegistrationFees();
      unsubscribe = registry.onSystemsChanged(
        () =>
          void chargeRegistrationFees().catch((error: unknown) =>
            logger.error(`billing could not charge registration fees: ${String(error)}`),
          ),
      );
      link = await linkBookToLedger(store, outbox, logger);
    },
    async stop() {
      unsubscribe?.();
      // The book and the outbox stay open: they belong to whoever opened them. Trades already charged wait in the outbox.
      await outbox
        .flush(SETTLE_FLUSH_MS, { giveUpWhenFailing: true })
        .catch((error: unknown) =>
          logger.warn(`trades still wait for the ledger at stop: ${String(error)}`),
        );
      link?.disconnect();
    },
  };
}

function requireTime(value: string, field: string): string {
  const ms = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(ms))
    throw new GridmarkError(
      'BAD_INPUT',
      `${field} must be an ISO 8601 date or time, e.g. 2026-12-01 or 2026-12-01T08:00:00Z.`,
      { details: { field } },
    );
  return new Date(ms).toISOString();
}

function requireReference(value: unknown): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/.test(value)) {
    throw new GridmarkError(
      'BAD_INPUT',
      "paymentReference must be 1-128 characters of A-Z a-z 0-9 . _ : / - (the bank or payment system's reference).",
      { details: { field: 'paymentReference' } },
    );
  }
  return value;
}
