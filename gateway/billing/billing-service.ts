import { randomBytes } from 'node:crypto';
import type { LedgerAdapter, LedgerOutbox, Resolution } from '../../ledger-adapter/index.js';
import { GridmarkError, type Logger } from '../../schema/index.js';
import { requireAdmin, requireOverseer, type Registry, type Caller } from '../registry/index.js';
import type { FieldDirectory } from '../access/index.js';
import type { Billing, BillingOptions, ChargedQuery } from './billing.js';
import { periodOf, requirePaymentReference, type PeriodInput } from './billing-inputs.js';
import { listingFilter, requireAccountReader, requireTradeVisible } from './billing-readers.js';
import { BookConflict, translateBookConflict, type BillingStore } from './billing-store.js';
import { applicationAccount, knownAccount, type AccountSources } from './known-accounts.js';
import { linkBookToLedger, type BookLedgerLink } from './book-ledger-link.js';
import { reconcilePeriod, type Reconciliation } from './reconciliation.js';
import {
  EXTERNAL_ACCOUNT,
  type Account,
  type BookCheck,
  type JournalRow,
  type Settlement,
  type Statement,
  type TradeRecord,
} from './billing-types.js';
import { requireAmountFen, sumFen } from '../../schema/index.js';
import { chargeDelivered, quoteQuery, type Charge, type Quote } from './pricing.js';
import { checkTariff, type Tariff } from './tariff.js';

export type { Billing, BillingOptions, ChargedQuery } from './billing.js';

/** How long a settlement waits for pending trades to reach the ledger. */
const SETTLE_FLUSH_MS = 10_000;
/** The epoch from which the first settlement period runs. */
const BEGINNING = '1970-01-01T00:00:00.000Z';

/**
 * Creates the billing service over a book and the ledger.
 *
 * @example const billing = createBilling({ store, ledger, registry, fields, tariff, outbox, logger });
 */
export function createBilling(options: BillingOptions): Billing {
  return new BillingService(options);
}

/**
 * The billing service: who may read and move what, in GridmarkError terms, over a billing book
 * (which keeps the money) and the ledger outbox (which takes the trades to the ledger).
 */
export class BillingService implements Billing {
  readonly tariff: Tariff;
  readonly #store: BillingStore;
  readonly #ledger: LedgerAdapter;
  readonly #registry: Registry;
  /** The book and the registry, from which accounts open on first use. */
  readonly #accounts: AccountSources;
  readonly #fields: Pick<FieldDirectory, 'byName'>;
  readonly #outbox: LedgerOutbox;
  readonly #logger: Logger;
  #unsubscribe: (() => void) | undefined;
  #link: BookLedgerLink | undefined;

  /** @throws GridmarkError BAD_CONFIGURATION when the tariff is not valid */
  constructor(options: BillingOptions) {
    this.tariff = checkTariff(options.tariff);
    this.#store = options.store;
    this.#ledger = options.ledger;
    this.#registry = options.registry;
    this.#accounts = { store: options.store, registry: options.registry };
    this.#fields = options.fields;
    this.#outbox = options.outbox;
    this.#logger = options.logger;
  }

  quote(resolution: Resolution, selectedFields: ReadonlySet<string>): Quote {
    // The field directory holds the fields of active systems only: a suspended system's are not billable.
    return quoteQuery(
      resolution,
      selectedFields,
      this.tariff,
      (field, systemCode) => this.#fields.byName(field)?.systemCode === systemCode,
    );
  }

  async reserve(
    applicationId: string,
    quote: Quote,
  ): Promise<{ readonly holdId: string; readonly account: Account }> {
    if (!this.#outbox.healthy())
      throw new GridmarkError(
        'LEDGER_UNAVAILABLE',
        'Trades cannot reach the ledger; charged queries are refused until they can.',
      );
    const holdId = randomBytes(32).toString('hex');
    const hold = () =>
      this.#store.hold({ holdId, accountId: applicationId, amountFen: quote.totalFen });
    // An application's account opens on its first query; after that a hold is one read.
    const account = await hold()
      .catch(async (error: unknown) => {
        if (!(error instanceof BookConflict && error.reason === 'UNKNOWN_ACCOUNT')) throw error;
        await knownAccount(this.#accounts, applicationId);
        return hold();
      })
      .catch(translateBookConflict);
    return { holdId, account };
  }

  async charge(
    holdId: string,
    input: Parameters<Billing['charge']>[1],
  ): Promise<ChargedQuery | undefined> {
    const charge = chargeDelivered(input.quote, input.verified, this.tariff);
    if (!charge) {
      await this.#store.release(holdId);
      return undefined;
    }
    const charged = await this.#store
      .charge(
        holdId,
        {
          tradeId: holdId,
          applicationId: input.applicationId,
          resolutionId: input.quote.resolutionId,
          function: input.function,
          ...charge,
        },
        this.#chargeMemo(input.function, charge),
      )
      .catch(translateBookConflict);
    // The book holds the trade as PENDING; should the process die before this append, start() offers it again.
    const onLedger = this.#outbox.append({ kind: 'trade', body: charged.trade }).then(
      (outcome) => (outcome.status === 'recorded' ? (outcome.receipt ?? null) : null),
      () => null,
    );
    return { ...charged, onLedger };
  }

  async account(caller: Caller, accountId: string): Promise<Account> {
    requireAccountReader(caller, accountId);
    return knownAccount(this.#accounts, accountId);
  }

  async topUp(caller: Caller, input: Parameters<Billing['topUp']>[1]): Promise<Account> {
    requireAdmin(caller, 'record payments');
    const amountFen = requireAmountFen(input.amountFen, 'amountFen', { positive: true });
    const reference = requirePaymentReference(input.paymentReference);
    const account = await applicationAccount(
      this.#accounts,
      input.applicationId,
      `${input.applicationId} is not an application account; only applications are topped up.`,
    );
    // Balances stay exact: neither the application's nor the outside world's (which pays every top-up) may pass the largest safe integer.
    sumFen([account.balanceFen, amountFen], 'amountFen');
    sumFen(
      [-((await this.#store.getAccount(EXTERNAL_ACCOUNT))?.balanceFen ?? 0), amountFen],
      'amountFen',
    );
    const updated = await this.#store
      .topUp({
        accountId: input.applicationId,
        amountFen,
        paymentReference: reference,
        memo: `payment ${reference} recorded by ${keyOf(caller)}`,
      })
      .catch(translateBookConflict);
    this.#logger.info(`top-up of ${input.applicationId}: ${amountFen} fen (payment ${reference})`);
    return updated;
  }

  async setCreditLimit(
    caller: Caller,
    applicationId: string,
    creditLimitFen: unknown,
  ): Promise<Account> {
    requireAdmin(caller, 'set credit limits');
    const limit = requireAmountFen(creditLimitFen, 'creditLimitFen');
    await applicationAccount(
      this.#accounts,
      applicationId,
      `${applicationId} is not an application account.`,
    );
    return this.#store.setCreditLimit(applicationId, limit).catch(translateBookConflict);
  }

  async statement(caller: Caller, accountId: string, input: PeriodInput): Promise<Statement> {
    requireAccountReader(caller, accountId);
    await knownAccount(this.#accounts, accountId);
    const { from, to } = periodOf(input);
    return this.#store.statement(accountId, from, to).catch(translateBookConflict);
  }

  async trade(caller: Caller, tradeId: string): Promise<TradeRecord> {
    return requireTradeVisible(caller, tradeId, await this.#store.getTrade(tradeId));
  }

  async trades(
    caller: Caller,
    filter: Parameters<Billing['trades']>[1],
  ): Promise<readonly TradeRecord[]> {
    return this.#store.listTrades(listingFilter(caller, filter));
  }

  async settle(caller: Caller): Promise<Settlement> {
    requireAdmin(caller, 'run settlements');
    // Give the period's last trades a moment to reach the ledger; a ledger that is down refuses the run below.
    await this.#outbox.flush(SETTLE_FLUSH_MS).catch(() => undefined);
    await this.#requirePeriodRecorded();
    const settlement = await this.#store.settle(keyOf(caller)).catch(translateBookConflict);
    this.#logger.info(
      `settlement ${settlement.id} closed ${settlement.from} to ${settlement.to}: ${settlement.trades} trade(s), ${settlement.payouts.length} payout(s)`,
    );
    return settlement;
  }

  async settlements(caller: Caller): Promise<readonly Settlement[]> {
    requireOverseer(caller, 'read settlements');
    return this.#store.settlements();
  }

  async journal(caller: Caller, input: PeriodInput): Promise<readonly JournalRow[]> {
    requireOverseer(caller, 'export the journal');
    const { from, to } = periodOf(input);
    return this.#store.journal(from, to);
  }

  async reconcile(caller: Caller, input: PeriodInput): Promise<Reconciliation> {
    requireOverseer(caller, 'reconcile with the ledger');
    return reconcilePeriod(this.#store, this.#ledger, periodOf(input));
  }

  async check(caller: Caller): Promise<BookCheck> {
    requireOverseer(caller, 'check the book');
    return this.#store.check();
  }

  tradedWith(applicationId: string, systemCode: string): Promise<boolean> {
    return this.#store.tradedWith(applicationId, systemCode);
  }

  healthy(): boolean {
    return this.#outbox.healthy();
  }

  async start(): Promise<void> {
    const released = await this.#store.releaseAllHolds();
    if (released > 0)
      this.#logger.warn(
        `released ${released} hold(s) of queries that were cut off before they were charged`,
      );
    await this.#chargeRegistrationFees();
    this.#unsubscribe = this.#registry.onSystemsChanged(
      () =>
        void this.#chargeRegistrationFees().catch((error: unknown) =>
          this.#logger.error(`billing could not charge registration fees: ${String(error)}`),
        ),
    );
    this.#link = await linkBookToLedger(this.#store, this.#outbox, this.#logger);
  }

  async stop(): Promise<void> {
    this.#unsubscribe?.();
    // The book and the outbox stay open: they belong to whoever opened them. Trades already charged wait in the outbox.
    await this.#outbox
      .flush(SETTLE_FLUSH_MS, { giveUpWhenFailing: true })
      .catch((error: unknown) =>
        this.#logger.warn(`trades still wait for the ledger at stop: ${String(error)}`),
      );
    this.#link?.disconnect();
  }

  /** The journal memo of a query's charge. */
  #chargeMemo(operation: string, charge: Charge): string {
    const fee = this.tariff.resolutionFeeFen;
    const values = charge.items.reduce((n, i) => n + i.fieldCodes.length, 0);
    return `${operation}: ${charge.items.length} device(s), ${values} value(s); platform: commission ${charge.platformFeeFen - fee} + resolution fee ${fee}`;
  }

  /** Charges the registration fee of every registered system that has not paid it yet. */
  async #chargeRegistrationFees(): Promise<void> {
    const fee = this.tariff.registrationFeeFen;
    if (fee === 0) return;
    for (const s of await this.#registry.listSystems()) {
      if (await this.#store.chargeRegistrationFee(s.code, fee))
        this.#logger.info(`registration fee of ${s.code}: ${fee} fen`);
    }
  }

  /** A period settles only when its trades are on the ledger. @throws GridmarkError LEDGER_UNAVAILABLE */
  async #requirePeriodRecorded(): Promise<void> {
    const previous = (await this.#store.settlements()).at(-1);
    const counts = await this.#store.tradeCounts(
      previous?.to ?? BEGINNING,
      new Date(Date.now() + 1).toISOString(),
    );
    if (counts.pending > 0)
      throw new GridmarkError(
        'LEDGER_UNAVAILABLE',
        `${counts.pending} trade(s) of the period are not on the ledger yet; a period settles only when its trades are recorded.`,
      );
  }
}

/** Who did it, for the book: the caller's key id. */
function keyOf(caller: Caller): string {
  return caller.role === 'ANONYMOUS' ? 'anonymous' : caller.keyId;
}
