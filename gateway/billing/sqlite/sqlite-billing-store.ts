import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import type { Trade, TradeReceipt } from '../../../ledger-adapter/contract/records.js';
import { prepareOwnerOnlyDatabase } from '../../../schema/index.js';
import type { CheckpointWitness } from '../../../ledger-adapter/index.js';
import { sqliteCheckpointWitness } from '../../storage/sqlite-checkpoint-witness.js';
import { applySqliteMigrations } from '../../storage/sqlite-migrations.js';
import { BookConflict, type BillingStore } from '../billing-store.js';
import {
  EXTERNAL_ACCOUNT,
  PLATFORM_ACCOUNT,
  type Account,
  type AccountKind,
  type EntryKind,
  type Settlement,
  type StatementLine,
} from '../billing-types.js';
import { BILLING_MIGRATIONS } from './billing-migrations.js';
import { packId } from './book-ids.js';
import { bookReads } from './book-reads.js';
import { compactCopiedTrades } from './copied-trades.js';
import { receiptBatches, receiptsByBatch, wholeBatch } from './receipt-batches.js';
import { tradeBodies } from './trade-bodies.js';

type Row = Record<string, unknown>;

/** Options of {@link openSqliteBillingStore}. */
export interface SqliteBillingStoreOptions {
  /** The database file, or `:memory:`. */
  readonly path: string;
  /** Time source, for tests. */
  readonly now?: () => Date;
}

/** The epoch from which the first settlement period runs. */
const BEGINNING = '1970-01-01T00:00:00.000Z';

/**
 * The billing book in one SQLite file (WAL). Every write is one transaction; balances move only
 * with balanced postings. A committed transaction survives the process crashing at any point
 * (synchronous NORMAL); an operating-system crash or power loss may lose the last few, whose
 * trades the response waited to see on the ledger.
 */
export function openSqliteBillingStore(
  options: SqliteBillingStoreOptions,
): BillingStore & CheckpointWitness {
  prepareOwnerOnlyDatabase(options.path);
  const db = new Database(options.path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  applySqliteMigrations(db, BILLING_MIGRATIONS);
  const bodies = tradeBodies(db);
  const batches = receiptBatches(db);
  // Trades of a book written before version 4 move into the shared forms once (resumed if cut off).
  compactCopiedTrades(db, bodies, batches);
  const reads = bookReads(db, batches);
  const now = (): string => (options.now ?? (() => new Date()))().toISOString();

  // Holds of queries in flight live in memory: they mean nothing once the process is gone (a query
  // cut off before its charge released no data), and keeping them here makes a hold cost no write.
  /** Open holds; `charging` once their charge is on its way (the money stays held until it is written). */
  const holds = new Map<
    string,
    { readonly accountId: string; readonly amountFen: number; charging: boolean }
  >();
  const heldBy = new Map<string, number>();
  const addHeld = (accountId: string, amountFen: number): void => {
    const held = (heldBy.get(accountId) ?? 0) + amountFen;
    if (held === 0) heldBy.delete(accountId);
    else heldBy.set(accountId, held);
  };
  const accountRow = db.prepare('SELECT * FROM accounts WHERE account_id = ?');
  const getAccount = (id: string): Account | undefined =>
    toAccount(accountRow.get(id) as Row | undefined, heldBy.get(id) ?? 0);
  const requireAccount = (id: string): Account => getAccount(id) ?? unknownAccount(id);
  const insertAccount = db.prepare(
    'INSERT INTO accounts (account_id, kind, created_at) VALUES (?, ?, ?) ON CONFLICT (account_id) DO NOTHING',
  );
  const openAccount = (id: string, kind: AccountKind): Account => {
    insertAccount.run(id, kind, now());
    const account = requireAccount(id);
    if (account.kind !== kind)
      throw new BookConflict(
        'INVALID_STATE',
        `account ${id} is a ${account.kind.toLowerCase()} account, not ${kind.toLowerCase()}`,
      );
    return account;
  };
  /** Accounts known to exist, with their kind: a charge opens its payees' accounts without a read once they exist. */
  const opened = new Map<string, AccountKind>();
  const ensureAccount = (id: string, kind: AccountKind): void => {
    if (opened.get(id) === kind) return;
    openAccount(id, kind);
    opened.set(id, kind);
  };
  const insertEntry = db.prepare(
    'INSERT INTO entries (at, kind, reference, memo_id) VALUES (?, ?, ?, ?)',
  );
  const entryExists = db.prepare('SELECT entry_id FROM entries WHERE kind = ? AND reference = ?');
  // Memos are kept once; looked up each time (an id remembered in memory could outlive a rolled-back insert).
  const memoByText = db
    .prepare<[string], number>('SELECT memo_id FROM memos WHERE memo = ?')
    .pluck();
  const insertMemo = db.prepare('INSERT INTO memos (memo) VALUES (?)');
  const memoId = (memo: string): number =>
    memoByText.get(memo) ?? Number(insertMemo.run(memo).lastInsertRowid);
  const ACCOUNT_NO = '(SELECT account_no FROM accounts WHERE account_id = ?)';
  const insertPosting = db.prepare(
    `INSERT INTO postings (entry_id, account_no, amount_fen) VALUES (?, ${ACCOUNT_NO}, ?)`,
  );
  const addBalance = db.prepare(
    'UPDATE accounts SET balance_fen = balance_fen + ? WHERE account_id = ?',
  );
  /** While a group of charges is written, balance changes collect here and are applied once per account. */
  let deferredBalances: Map<string, number> | undefined;
  const moveBalance = (account: string, amount: number): void => {
    if (deferredBalances)
      deferredBalances.set(account, (deferredBalances.get(account) ?? 0) + amount);
    else addBalance.run(amount, account);
  };
  /**
   * Appends a balanced entry and moves the balances with it. Returns the entry id. A trade's
   * CHARGE keeps no reference (`reference` null): the trade's row, keyed by the entry, holds its id.
   */
  const post = (
    kind: EntryKind,
    reference: string | null,
    memo: string,
    postings: readonly (readonly [string, number])[],
    at = now(),
  ): number => {
    const merged = netAmounts(postings);
    let sum = 0;
    for (const amount of merged.values()) sum += amount;
    if (sum !== 0)
      throw new Error(`unbalanced ${kind} entry ${reference ?? ''}: postings sum to ${sum}`);
    const entryId = Number(insertEntry.run(at, kind, reference, memoId(memo)).lastInsertRowid);
    for (const [account, amount] of merged) {
      if (amount === 0) continue;
      insertPosting.run(entryId, account, amount);
      moveBalance(account, amount);
    }
    return entryId;
  };
  const isCheckFailure = (error: unknown): boolean =>
    error instanceof Error && /CHECK constraint failed/.test(error.message);

  const topUp = db.transaction(
    (accountId: string, amountFen: number, reference: string, memo: string): Account => {
      const account = requireAccount(accountId);
      if (account.kind !== 'APPLICATION')
        throw new BookConflict(
          'INVALID_STATE',
          `only applications are topped up; ${accountId} is a ${account.kind.toLowerCase()} account`,
        );
      if (entryExists.get('TOP_UP', reference))
        throw new BookConflict(
          'DUPLICATE_PAYMENT',
          `payment reference ${reference} was already recorded; a payment is credited once.`,
          { paymentReference: reference },
        );
      openAccount(EXTERNAL_ACCOUNT, 'EXTERNAL');
      post('TOP_UP', reference, memo, [
        [EXTERNAL_ACCOUNT, -amountFen],
        [accountId, amountFen],
      ]);
      return requireAccount(accountId);
    },
  );

  const setLimit = db.prepare('UPDATE accounts SET credit_limit_fen = ? WHERE account_id = ?');
  const setCreditLimit = db.transaction((accountId: string, limit: number): Account => {
    const account = requireAccount(accountId);
    if (account.kind !== 'APPLICATION')
      throw new BookConflict(
        'INVALID_STATE',
        `only applications have credit limits; ${accountId} is a ${account.kind.toLowerCase()} account`,
      );
    const cannot = (): never => {
      throw new BookConflict(
        'INVALID_STATE',
        `a credit limit of ${limit} fen would not cover what ${accountId} has spent or holds.`,
      );
    };
    if (account.balanceFen + limit - account.heldFen < 0) cannot();
    try {
      setLimit.run(limit, accountId);
    } catch (error) {
      if (isCheckFailure(error)) cannot();
      throw error;
    }
    return requireAccount(accountId);
  });

  /** Reserves money for a query: synchronous, so two holds never both take the same money. */
  const hold = (holdId: string, accountId: string, amountFen: number): Account => {
    const account = requireAccount(accountId);
    if (holds.has(holdId))
      throw new BookConflict('INVALID_STATE', `hold ${holdId} is already open.`);
    if (account.availableFen < amountFen) {
      throw new BookConflict(
        'PAYMENT_REQUIRED',
        `the query costs up to ${amountFen} fen; ${accountId} has ${account.availableFen} fen available.`,
        { requiredFen: amountFen, availableFen: account.availableFen },
      );
    }
    holds.set(holdId, { accountId, amountFen, charging: false });
    addHeld(accountId, amountFen);
    return {
      ...account,
      heldFen: account.heldFen + amountFen,
      availableFen: account.availableFen - amountFen,
    };
  };
  const release = (holdId: string): void => {
    const open = holds.get(holdId);
    if (!open || open.charging) return;
    holds.delete(holdId);
    addHeld(open.accountId, -open.amountFen);
  };

  const insertTrade = db.prepare(
    "INSERT INTO trades (entry_id, trade_key, resolution_id, body_id, amount_fen, status) VALUES (?, ?, ?, ?, ?, 'PENDING')",
  );
  const insertPair = db.prepare(
    'INSERT OR IGNORE INTO traded_pairs (application_id, system_code) VALUES (?, ?)',
  );
  const insertUnpaid = db.prepare(
    `INSERT OR IGNORE INTO unpaid_parties (account_no, entry_id) VALUES (${ACCOUNT_NO}, ?)`,
  );
  /** The end of the last settled period, kept in step by `settle`. */
  let closedUntil =
    ((db.prepare('SELECT MAX(period_to) AS at FROM settlements').get() as Row)['at'] as
      string | null) ?? '';
  /** Now, but never inside a period already settled. */
  const openPeriodNow = (): string => {
    const at = now();
    return closedUntil > at ? closedUntil : at;
  };
  /** One charge, inside a group's transaction (its own savepoint: a refusal undoes only it). */
  const chargeOne = db.transaction(
    (accountId: string, terms: Omit<Trade, 'at'>, memo: string): Trade => {
      const trade: Trade = { ...terms, at: openPeriodNow() };
      ensureAccount(PLATFORM_ACCOUNT, 'PLATFORM');
      for (const payee of trade.payees) ensureAccount(payee.systemCode, 'SYSTEM');
      const shares: [string, number][] = [
        [accountId, -trade.amountFen],
        ...trade.payees.map((p): [string, number] => [p.systemCode, p.amountFen]),
        [PLATFORM_ACCOUNT, trade.platformFeeFen],
      ];
      // The entry's time is the trade's: the trade's row keeps only its id, resolution and shared body.
      const entryId = post('CHARGE', null, memo, shares, trade.at);
      insertTrade.run(
        entryId,
        packId(trade.tradeId),
        packId(trade.resolutionId),
        bodies.idOf(trade),
        trade.amountFen,
      );
      // A party that moved 0 fen has no posting; listing its trades still finds this one.
      const net = netAmounts(shares);
      for (const party of [accountId, ...trade.payees.map((p) => p.systemCode)])
        if (net.get(party) === 0) insertUnpaid.run(party, entryId);
      for (const payee of trade.payees) insertPair.run(trade.applicationId, payee.systemCode);
      return trade;
    },
  );
  /**
   * Charges that arrive in the same turn of the event loop share one transaction (group commit):
   * a busy gateway writes each table's pages once per group, not once per query. Each charge is
   * still all or nothing.
   */
  interface QueuedCharge {
    readonly accountId: string;
    readonly terms: Omit<Trade, 'at'>;
    readonly memo: string;
    readonly resolve: (trade: Trade) => void;
    readonly reject: (error: Error) => void;
    /** Releases the charge's held money once the charge is written or refused. */
    readonly spent: () => void;
  }
  let queued: QueuedCharge[] = [];
  const writeGroup = db.transaction((group: readonly QueuedCharge[]) => {
    const balances = new Map<string, number>();
    const outcomes = group.map((item) => {
      // Each charge's balance changes count only if its savepoint holds.
      deferredBalances = new Map();
      try {
        const trade = chargeOne(item.accountId, item.terms, item.memo);
        for (const [account, amount] of deferredBalances)
          balances.set(account, (balances.get(account) ?? 0) + amount);
        return { trade };
      } catch (error) {
        // Accounts it opened were rolled back with it.
        opened.clear();
        return { error: error instanceof Error ? error : new Error(String(error)) };
      } finally {
        deferredBalances = undefined;
      }
    });
    for (const [account, amount] of balances) if (amount !== 0) addBalance.run(amount, account);
    return outcomes;
  });
  const flushCharges = (): void => {
    const group = queued;
    queued = [];
    let outcomes: ({ trade: Trade; error?: undefined } | { error: Error; trade?: undefined })[];
    try {
      outcomes = writeGroup(group);
    } catch (error) {
      opened.clear();
      for (const item of group) {
        item.spent();
        item.reject(error instanceof Error ? error : new Error(String(error)));
      }
      return;
    }
    for (const item of group) item.spent();
    group.forEach((item, i) => {
      const outcome = outcomes[i];
      if (outcome?.trade) item.resolve(outcome.trade);
      else item.reject(outcome?.error ?? new Error('charge lost'));
    });
  };
  const charge = (
    holdId: string,
    terms: Omit<Trade, 'at'>,
    memo: string,
  ): Promise<{ account: Account; trade: Trade }> => {
    const open = holds.get(holdId);
    if (!open || open.charging)
      return Promise.reject(
        new BookConflict(
          'INVALID_STATE',
          `hold ${holdId} is not open; the query was already charged or released.`,
        ),
      );
    // Whatever happens to the charge, the hold is spent (a refused charge releases no data); its
    // money stays held until the charge is written, so that no other query can take it meanwhile.
    open.charging = true;
    const spent = (): void => {
      holds.delete(holdId);
      addHeld(open.accountId, -open.amountFen);
    };
    if (open.accountId !== terms.applicationId || terms.amountFen > open.amountFen) {
      spent();
      const why =
        open.accountId !== terms.applicationId
          ? `hold ${holdId} belongs to ${open.accountId}, not ${terms.applicationId}`
          : `trade ${terms.tradeId} costs ${terms.amountFen} fen, more than the ${open.amountFen} fen held for it`;
      return Promise.reject(new BookConflict('INVALID_STATE', why));
    }
    return new Promise<Trade>((resolve, reject) => {
      if (queued.length === 0) setImmediate(flushCharges);
      queued.push({ accountId: open.accountId, terms, memo, resolve, reject, spent });
    }).then((trade) => ({ account: requireAccount(open.accountId), trade }));
  };
  const releaseAll = (): number => {
    const count = holds.size;
    holds.clear();
    heldBy.clear();
    return count;
  };
  const registrationFee = db.transaction((systemCode: string, amountFen: number): boolean => {
    if (entryExists.get('REGISTRATION_FEE', systemCode)) return false;
    openAccount(systemCode, 'SYSTEM');
    openAccount(PLATFORM_ACCOUNT, 'PLATFORM');
    post('REGISTRATION_FEE', systemCode, `registration of business system ${systemCode}`, [
      [systemCode, -amountFen],
      [PLATFORM_ACCOUNT, amountFen],
    ]);
    return true;
  });

  // Trades are found by their key (the id's bytes, see packId); trade_id is computed from it.
  const tradeState = db.prepare<[Buffer | string], { entry_id: number; status: string }>(
    'SELECT entry_id, status FROM trades WHERE trade_key = ?',
  );
  const markInBatch = db.prepare(
    "UPDATE trades SET status = 'RECORDED', batch_id = ?, leaf = ? WHERE trade_key = ? AND status = 'PENDING'",
  );
  const markRecorded = db.prepare(
    "UPDATE trades SET status = 'RECORDED', receipt = ? WHERE trade_key = ? AND status = 'PENDING'",
  );
  const markRefused = db.prepare(
    "UPDATE trades SET status = 'REFUSED', refusal = ? WHERE trade_key = ? AND status = 'PENDING'",
  );
  /**
   * A ledger transaction's receipts are kept as its batch's leaves when they are all of it (as the
   * outbox delivers them); a receipt of a batch the book does not hold whole is kept whole.
   */
  const recorded = db.transaction((receipts: readonly TradeReceipt[]) => {
    for (const group of receiptsByBatch(receipts)) {
      const waiting = group.filter((r) => tradeState.get(packId(r.tradeId))?.status === 'PENDING');
      if (waiting.length === 0) continue;
      const batch = wholeBatch(group);
      const batchId = batch ? batches.add(batch) : undefined;
      for (const r of waiting) {
        if (batch && batchId !== undefined)
          markInBatch.run(batchId, batch.places.get(r.tradeId), packId(r.tradeId));
        else markRecorded.run(JSON.stringify(r), packId(r.tradeId));
      }
    }
  });
  const chargePostings = db.prepare(
    'SELECT a.account_id, p.amount_fen FROM postings p JOIN accounts a USING (account_no) WHERE p.entry_id = ?',
  );
  /** Marks a pending trade refused and reverses its charge with a REFUND entry, in one transaction. */
  const refund = db.transaction((tradeId: string, code: string, message: string): boolean => {
    const row = tradeState.get(packId(tradeId));
    if (!row || row.status !== 'PENDING') return false;
    markRefused.run(`${code}: ${message}`, packId(tradeId));
    const reversed = (chargePostings.all(row.entry_id) as Row[]).map((p): [string, number] => [
      String(p['account_id']),
      -Number(p['amount_fen']),
    ]);
    post(
      'REFUND',
      tradeId,
      `trade ${tradeId} refused by the ledger [${code}]: its charge is paid back`,
      reversed,
      openPeriodNow(),
    );
    return true;
  });

  const lastSettlement = db.prepare(
    'SELECT * FROM settlements ORDER BY settlement_id DESC LIMIT 1',
  );
  const insertSettlement = db.prepare(
    'INSERT INTO settlements (period_from, period_to, run_by, trades, traded_fen, payouts, digest) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const settle = db.transaction((runBy: string): Settlement => {
    const previous = lastSettlement.get() as Row | undefined;
    const from = previous ? String(previous['period_to']) : BEGINNING;
    // The period ends now, and after everything already in the book (whose clocks may run ahead by a millisecond).
    const latest = (db.prepare('SELECT MAX(at) AS at FROM entries').get() as Row)['at'];
    const floor =
      Math.max(Date.parse(from), typeof latest === 'string' ? Date.parse(latest) : 0) + 1;
    const to = new Date(Math.max(Date.parse(now()), floor)).toISOString();
    const totals = reads.tradeCounts(from, to);
    const payable = db
      .prepare(
        "SELECT account_id, balance_fen FROM accounts WHERE kind = 'SYSTEM' AND balance_fen > 0 ORDER BY account_id",
      )
      .all() as Row[];
    const payouts = payable.map((r) => ({
      systemCode: String(r['account_id']),
      amountFen: Number(r['balance_fen']),
    }));
    const content = {
      from,
      to,
      runBy,
      trades: totals.pending + totals.recorded + totals.refused,
      tradedFen: totals.amountFen,
      payouts,
    };
    const digest = createHash('sha256').update(JSON.stringify(content)).digest('hex');
    const id = Number(
      insertSettlement.run(
        from,
        to,
        runBy,
        content.trades,
        content.tradedFen,
        JSON.stringify(payouts),
        digest,
      ).lastInsertRowid,
    );
    closedUntil = to;
    if (payouts.length > 0) openAccount(EXTERNAL_ACCOUNT, 'EXTERNAL');
    for (const p of payouts)
      post(
        'PAYOUT',
        `settlement-${id}:${p.systemCode}`,
        `settlement ${id}: payout for ${from} to ${to}`,
        [
          [p.systemCode, -p.amountFen],
          [EXTERNAL_ACCOUNT, p.amountFen],
        ],
        to,
      );
    return { id, ...content, digest };
  });

  return {
    // The book also keeps the ledger's signed checkpoints (migration 3).
    ...sqliteCheckpointWitness(db, `billing book ${options.path}`, now),
    openAccount: (id, kind) => attempt(() => db.transaction(() => openAccount(id, kind))()),
    getAccount: (id) => Promise.resolve(getAccount(id)),
    topUp: (input) =>
      attempt(() => topUp(input.accountId, input.amountFen, input.paymentReference, input.memo)),
    setCreditLimit: (accountId, limit) => attempt(() => setCreditLimit(accountId, limit)),
    hold: (input) => attempt(() => hold(input.holdId, input.accountId, input.amountFen)),
    release: (holdId) => attempt(() => release(holdId)),
    charge,
    releaseAllHolds: () => attempt(() => releaseAll()),
    chargeRegistrationFee: (systemCode, amountFen) =>
      attempt(() => registrationFee(systemCode, amountFen)),

    pendingTrades: (limit) => attempt(() => reads.pendingTrades(limit)),
    recorded: (receipts) => attempt(() => recorded(receipts)),
    refund: (tradeId, code, message) => attempt(() => refund(tradeId, code, message)),
    tradePage: (page) => attempt(() => reads.tradePage(page)),
    getTrade: (tradeId) => attempt(() => reads.getTrade(tradeId)),
    listTrades: (filter) => attempt(() => reads.listTrades(filter)),
    tradedWith: (applicationId, systemCode) =>
      attempt(() => reads.tradedWith(applicationId, systemCode)),
    pendingCount: () => attempt(() => reads.pendingCount()),
    tradeCounts: (from, to) => attempt(() => reads.tradeCounts(from, to)),

    statement(accountId, from, to) {
      return attempt(() =>
        db.transaction(() => {
          const account = requireAccount(accountId);
          const { openingFen, lines: movements } = reads.statementLines(accountId, from, to);
          let balance = openingFen;
          let creditsFen = 0;
          let debitsFen = 0;
          const lines = movements.map((line): StatementLine => {
            balance += line.amountFen;
            if (line.amountFen > 0) creditsFen += line.amountFen;
            else debitsFen -= line.amountFen;
            return { ...line, balanceFen: balance };
          });
          return {
            account,
            from,
            to,
            openingFen,
            creditsFen,
            debitsFen,
            closingFen: balance,
            lines,
          };
        })(),
      );
    },
    settle: (runBy) => attempt(() => settle(runBy)),
    settlements: () => attempt(() => reads.settlements()),
    journal: (from, to) => attempt(() => reads.journal(from, to)),
    check() {
      const sums = new Map<string, number>();
      for (const h of holds.values())
        sums.set(h.accountId, (sums.get(h.accountId) ?? 0) + h.amountFen);
      const held = [...new Set([...sums.keys(), ...heldBy.keys()])].filter(
        (id) => sums.get(id) !== heldBy.get(id),
      );
      return attempt(() => ({ ...reads.sums(), heldMismatches: held }));
    },
    close() {
      db.close();
      return Promise.resolve();
    },
  };
}

/** Runs a synchronous store operation as a promise (rejections, not throws). */
function attempt<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

function unknownAccount(id: string): never {
  throw new BookConflict('UNKNOWN_ACCOUNT', `there is no account ${id}.`, { account: id });
}

function toAccount(row: Row | undefined, heldFen: number): Account | undefined {
  if (!row) return undefined;
  const balanceFen = Number(row['balance_fen']);
  const creditLimitFen = Number(row['credit_limit_fen']);
  return {
    id: String(row['account_id']),
    kind: String(row['kind']) as AccountKind,
    balanceFen,
    heldFen,
    creditLimitFen,
    availableFen: balanceFen + creditLimitFen - heldFen,
    createdAt: String(row['created_at']),
  };
}

/** The net amount of each account in a list of postings. */
function netAmounts(postings: readonly (readonly [string, number])[]): Map<string, number> {
  const net = new Map<string, number>();
  for (const [account, amount] of postings) net.set(account, (net.get(account) ?? 0) + amount);
  return net;
}
