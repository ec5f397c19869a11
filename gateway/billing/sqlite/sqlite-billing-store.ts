import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import type { Trade, TradeReceipt } from '../../../ledger-adapter/contract/records.js';
import { prepareOwnerOnlyDatabase } from '../../../schema/index.js';
import type { CheckpointWitness } from '../../../ledger-adapter/index.js';
import { sqliteCheckpointWitness } from '../../storage/sqlite-checkpoint-witness.js';
import { applySqliteMigrations } from '../../storage/sqlite-migrations.js';
import { BookConflict, type BillingStore } from '../billing-store.js';
import { EXTERNAL_ACCOUNT, PLATFORM_ACCOUNT, type Account, type AccountKind, type EntryKind, type JournalRow, type Settlement, type StatementLine, type TradeRecord } from '../billing-types.js';
import { BILLING_MIGRATIONS } from './billing-migrations.js';

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
export function openSqliteBillingStore(options: SqliteBillingStoreOptions): BillingStore & CheckpointWitness {
  prepareOwnerOnlyDatabase(options.path);
  const db = new Database(options.path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  applySqliteMigrations(db, BILLING_MIGRATIONS);
  const now = (): string => (options.now ?? (() => new Date()))().toISOString();

  // Holds of queries in flight live in memory: they mean nothing once the process is gone (a query
  // cut off before its charge released no data), and keeping them here makes a hold cost no write.
  /** Open holds; `charging` once their charge is on its way (the money stays held until it is written). */
  const holds = new Map<string, { readonly accountId: string; readonly amountFen: number; charging: boolean }>();
  const heldBy = new Map<string, number>();
  const addHeld = (accountId: string, amountFen: number): void => {
    const held = (heldBy.get(accountId) ?? 0) + amountFen;
    if (held === 0) heldBy.delete(accountId);
    else heldBy.set(accountId, held);
  };
  const accountRow = db.prepare('SELECT * FROM accounts WHERE account_id = ?');
  const getAccount = (id: string): Account | undefined => toAccount(accountRow.get(id) as Row | undefined, heldBy.get(id) ?? 0);
  const requireAccount = (id: string): Account => getAccount(id) ?? unknownAccount(id);
  const insertAccount = db.prepare('INSERT INTO accounts (account_id, kind, created_at) VALUES (?, ?, ?) ON CONFLICT (account_id) DO NOTHING');
  const openAccount = (id: string, kind: AccountKind): Account => {
    insertAccount.run(id, kind, now());
    const account = requireAccount(id);
    if (account.kind !== kind) throw new BookConflict('INVALID_STATE', `account ${id} is a ${account.kind.toLowerCase()} account, not ${kind.toLowerCase()}`);
    return account;
  };
  /** Accounts known to exist, with their kind: a charge opens its payees' accounts without a read once they exist. */
  const opened = new Map<string, AccountKind>();
  const ensureAccount = (id: string, kind: AccountKind): void => {
    if (opened.get(id) === kind) return;
    openAccount(id, kind);
    opened.set(id, kind);
  };
  const insertEntry = db.prepare('INSERT INTO entries (at, kind, reference, memo) VALUES (?, ?, ?, ?)');
  const entryExists = db.prepare('SELECT entry_id FROM entries WHERE kind = ? AND reference = ?');
  const insertPosting = db.prepare('INSERT INTO postings (entry_id, account_id, amount_fen) VALUES (?, ?, ?)');
  const addBalance = db.prepare('UPDATE accounts SET balance_fen = balance_fen + ? WHERE account_id = ?');
  /** While a group of charges is written, balance changes collect here and are applied once per account. */
  let deferredBalances: Map<string, number> | undefined;
  const moveBalance = (account: string, amount: number): void => {
    if (deferredBalances) deferredBalances.set(account, (deferredBalances.get(account) ?? 0) + amount);
    else addBalance.run(amount, account);
  };
  /** Appends a balanced entry and moves the balances with it. Returns the entry id. */
  const post = (kind: EntryKind, reference: string, memo: string, postings: readonly (readonly [string, number])[], at = now()): number => {
    const merged = new Map<string, number>();
    for (const [account, amount] of postings) merged.set(account, (merged.get(account) ?? 0) + amount);
    let sum = 0;
    for (const amount of merged.values()) sum += amount;
    if (sum !== 0) throw new Error(`unbalanced ${kind} entry ${reference}: postings sum to ${sum}`);
    const entryId = Number(insertEntry.run(at, kind, reference, memo).lastInsertRowid);
    for (const [account, amount] of merged) {
      if (amount === 0) continue;
      insertPosting.run(entryId, account, amount);
      moveBalance(account, amount);
    }
    return entryId;
  };
  const isCheckFailure = (error: unknown): boolean => error instanceof Error && /CHECK constraint failed/.test(error.message);

  const topUp = db.transaction((accountId: string, amountFen: number, reference: string, memo: string): Account => {
    const account = requireAccount(accountId);
    if (account.kind !== 'APPLICATION') throw new BookConflict('INVALID_STATE', `only applications are topped up; ${accountId} is a ${account.kind.toLowerCase()} account`);
    if (entryExists.get('TOP_UP', reference)) throw new BookConflict('DUPLICATE_PAYMENT', `payment reference ${reference} was already recorded; a payment is credited once.`, { paymentReference: reference });
    openAccount(EXTERNAL_ACCOUNT, 'EXTERNAL');
    post('TOP_UP', reference, memo, [[EXTERNAL_ACCOUNT, -amountFen], [accountId, amountFen]]);
    return requireAccount(accountId);
  });

  const setLimit = db.prepare('UPDATE accounts SET credit_limit_fen = ? WHERE account_id = ?');
  const setCreditLimit = db.transaction((accountId: string, limit: number): Account => {
    const account = requireAccount(accountId);
    if (account.kind !== 'APPLICATION') throw new BookConflict('INVALID_STATE', `only applications have credit limits; ${accountId} is a ${account.kind.toLowerCase()} account`);
    const cannot = (): never => {
      throw new BookConflict('INVALID_STATE', `a credit limit of ${limit} fen would not cover what ${accountId} has spent or holds.`);
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
    if (holds.has(holdId)) throw new BookConflict('INVALID_STATE', `hold ${holdId} is already open.`);
    if (account.availableFen < amountFen) {
      throw new BookConflict('PAYMENT_REQUIRED', `the query costs up to ${amountFen} fen; ${accountId} has ${account.availableFen} fen available.`, { requiredFen: amountFen, availableFen: account.availableFen });
    }
    holds.set(holdId, { accountId, amountFen, charging: false });
    addHeld(accountId, amountFen);
    return { ...account, heldFen: account.heldFen + amountFen, availableFen: account.availableFen - amountFen };
  };
  const release = (holdId: string): void => {
    const open = holds.get(holdId);
    if (!open || open.charging) return;
    holds.delete(holdId);
    addHeld(open.accountId, -open.amountFen);
  };

  const insertTrade = db.prepare("INSERT INTO trades (trade_id, entry_id, application_id, at, amount_fen, body, status) VALUES (?, ?, ?, ?, ?, ?, 'PENDING')");
  const insertPayee = db.prepare('INSERT INTO trade_payees (trade_id, system_code, application_id, amount_fen) VALUES (?, ?, ?, ?)');
  /** The end of the last settled period, kept in step by `settle`. */
  let closedUntil = ((db.prepare('SELECT MAX(period_to) AS at FROM settlements').get() as Row)['at'] as string | null) ?? '';
  /** Now, but never inside a period already settled. */
  const openPeriodNow = (): string => {
    const at = now();
    return closedUntil > at ? closedUntil : at;
  };
  /** One charge, inside a group's transaction (its own savepoint: a refusal undoes only it). */
  const chargeOne = db.transaction((accountId: string, terms: Omit<Trade, 'at'>, memo: string): Trade => {
    const trade: Trade = { ...terms, at: openPeriodNow() };
    ensureAccount(PLATFORM_ACCOUNT, 'PLATFORM');
    for (const payee of trade.payees) ensureAccount(payee.systemCode, 'SYSTEM');
    const entryId = post('CHARGE', trade.tradeId, memo, [[accountId, -trade.amountFen], ...trade.payees.map((p): [string, number] => [p.systemCode, p.amountFen]), [PLATFORM_ACCOUNT, trade.platformFeeFen]], trade.at);
    insertTrade.run(trade.tradeId, entryId, trade.applicationId, trade.at, trade.amountFen, JSON.stringify(trade));
    for (const payee of trade.payees) insertPayee.run(trade.tradeId, payee.systemCode, trade.applicationId, payee.amountFen);
    return trade;
  });
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
        for (const [account, amount] of deferredBalances) balances.set(account, (balances.get(account) ?? 0) + amount);
        return { trade };
      } catch (error) {
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
  const charge = (holdId: string, terms: Omit<Trade, 'at'>, memo: string): Promise<{ account: Account; trade: Trade }> => {
    const open = holds.get(holdId);
    if (!open || open.charging) return Promise.reject(new BookConflict('INVALID_STATE', `hold ${holdId} is not open; the query was already charged or released.`));
    // Whatever happens to the charge, the hold is spent (a refused charge releases no data); its
    // money stays held until the charge is written, so that no other query can take it meanwhile.
    open.charging = true;
    const spent = (): void => {
      holds.delete(holdId);
      addHeld(open.accountId, -open.amountFen);
    };
    if (open.accountId !== terms.applicationId || terms.amountFen > open.amountFen) {
      spent();
      const why = open.accountId !== terms.applicationId ? `hold ${holdId} belongs to ${open.accountId}, not ${terms.applicationId}` : `trade ${terms.tradeId} costs ${terms.amountFen} fen, more than the ${open.amountFen} fen held for it`;
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
    post('REGISTRATION_FEE', systemCode, `registration of business system ${systemCode}`, [[systemCode, -amountFen], [PLATFORM_ACCOUNT, amountFen]]);
    return true;
  });

  const tradeRow = db.prepare('SELECT * FROM trades WHERE trade_id = ?');
  const pendingTotal = db.prepare("SELECT COUNT(*) AS n FROM trades WHERE status = 'PENDING'");
  const pendingRows = db.prepare("SELECT body FROM trades WHERE status = 'PENDING' ORDER BY entry_id LIMIT ?");
  const markRecorded = db.prepare("UPDATE trades SET status = 'RECORDED', receipt = ? WHERE trade_id = ? AND status = 'PENDING'");
  const markRefused = db.prepare("UPDATE trades SET status = 'REFUSED', refusal = ? WHERE trade_id = ? AND status = 'PENDING'");
  const recorded = db.transaction((receipts: readonly TradeReceipt[]) => {
    for (const r of receipts) markRecorded.run(JSON.stringify(r), r.tradeId);
  });
  const chargePostings = db.prepare('SELECT account_id, amount_fen FROM postings WHERE entry_id = ?');
  /** Marks a pending trade refused and reverses its charge with a REFUND entry, in one transaction. */
  const refund = db.transaction((tradeId: string, code: string, message: string): boolean => {
    const row = tradeRow.get(tradeId) as Row | undefined;
    if (!row || row['status'] !== 'PENDING') return false;
    markRefused.run(`${code}: ${message}`, tradeId);
    const reversed = (chargePostings.all(row['entry_id']) as Row[]).map((p): [string, number] => [String(p['account_id']), -Number(p['amount_fen'])]);
    post('REFUND', tradeId, `trade ${tradeId} refused by the ledger [${code}]: its charge is paid back`, reversed, openPeriodNow());
    return true;
  });
  const tradePage = db.prepare(
    "SELECT t.*, r.entry_id AS refund_entry_id FROM trades t LEFT JOIN entries r ON r.kind = 'REFUND' AND r.reference = t.trade_id WHERE t.at >= ? AND t.at < ? AND t.entry_id > ? ORDER BY t.entry_id LIMIT ?",
  );

  const balanceBefore = db.prepare('SELECT COALESCE(SUM(p.amount_fen), 0) AS total FROM postings p JOIN entries e USING (entry_id) WHERE p.account_id = ? AND e.at < ?');
  const linesBetween = db.prepare('SELECT e.entry_id, e.at, e.kind, e.reference, e.memo, p.amount_fen FROM postings p JOIN entries e USING (entry_id) WHERE p.account_id = ? AND e.at >= ? AND e.at < ? ORDER BY e.at, e.entry_id');
  const lastSettlement = db.prepare('SELECT * FROM settlements ORDER BY settlement_id DESC LIMIT 1');
  const insertSettlement = db.prepare('INSERT INTO settlements (period_from, period_to, run_by, trades, traded_fen, payouts, digest) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const tradeTotals = db.prepare("SELECT COUNT(*) AS n, COALESCE(SUM(amount_fen), 0) AS fen, COALESCE(SUM(status = 'PENDING'), 0) AS pending, COALESCE(SUM(status = 'RECORDED'), 0) AS recorded, COALESCE(SUM(status = 'REFUSED'), 0) AS refused FROM trades WHERE at >= ? AND at < ?");
  const settle = db.transaction((runBy: string): Settlement => {
    const previous = lastSettlement.get() as Row | undefined;
    const from = previous ? String(previous['period_to']) : BEGINNING;
    // The period ends now, and after everything already in the book (whose clocks may run ahead by a millisecond).
    const latest = (db.prepare('SELECT MAX(at) AS at FROM entries').get() as Row)['at'];
    const floor = Math.max(Date.parse(from), typeof latest === 'string' ? Date.parse(latest) : 0) + 1;
    const to = new Date(Math.max(Date.parse(now()), floor)).toISOString();
    const totals = tradeTotals.get(from, to) as Row;
    const payable = db.prepare("SELECT account_id, balance_fen FROM accounts WHERE kind = 'SYSTEM' AND balance_fen > 0 ORDER BY account_id").all() as Row[];
    const payouts = payable.map((r) => ({ systemCode: String(r['account_id']), amountFen: Number(r['balance_fen']) }));
    const content = { from, to, runBy, trades: Number(totals['n']), tradedFen: Number(totals['fen']), payouts };
    const digest = createHash('sha256').update(JSON.stringify(content)).digest('hex');
    const id = Number(insertSettlement.run(from, to, runBy, content.trades, content.tradedFen, JSON.stringify(payouts), digest).lastInsertRowid);
    closedUntil = to;
    if (payouts.length > 0) openAccount(EXTERNAL_ACCOUNT, 'EXTERNAL');
    for (const p of payouts) post('PAYOUT', `settlement-${id}:${p.systemCode}`, `settlement ${id}: payout for ${from} to ${to}`, [[p.systemCode, -p.amountFen], [EXTERNAL_ACCOUNT, p.amountFen]], to);
    return { id, ...content, digest };
  });

  return {
    // The book also keeps the ledger's signed checkpoints (migration 3).
    ...sqliteCheckpointWitness(db, `billing book ${options.path}`, now),
    openAccount: (id, kind) => attempt(() => db.transaction(() => openAccount(id, kind))()),
    getAccount: (id) => Promise.resolve(getAccount(id)),
    topUp: (input) => attempt(() => topUp(input.accountId, input.amountFen, input.paymentReference, input.memo)),
    setCreditLimit: (accountId, limit) => attempt(() => setCreditLimit(accountId, limit)),
    hold: (input) => attempt(() => hold(input.holdId, input.accountId, input.amountFen)),
    release: (holdId) => attempt(() => release(holdId)),
    charge,
    releaseAllHolds: () => attempt(() => releaseAll()),
    chargeRegistrationFee: (systemCode, amountFen) => attempt(() => registrationFee(systemCode, amountFen)),

    pendingTrades: (limit) => Promise.resolve((pendingRows.all(limit) as Row[]).map((r) => JSON.parse(String(r['body'])) as Trade)),
    recorded: (receipts) => attempt(() => recorded(receipts)),
    refund: (tradeId, code, message) => attempt(() => refund(tradeId, code, message)),
    tradePage: (page) => Promise.resolve((tradePage.all(page.from, page.to, page.afterEntryId, page.limit) as Row[]).map((r) => ({ ...(toTradeRecord(r) as TradeRecord), entryId: Number(r['entry_id']), refundEntryId: r['refund_entry_id'] === null ? null : Number(r['refund_entry_id']) }))),

    getTrade: (tradeId) => Promise.resolve(toTradeRecord(tradeRow.get(tradeId) as Row | undefined)),
    listTrades(filter) {
      const conditions: [string, unknown][] = [];
      if (filter.applicationId) conditions.push(['t.application_id = ?', filter.applicationId]);
      if (filter.systemCode) conditions.push(['t.trade_id IN (SELECT trade_id FROM trade_payees WHERE system_code = ?)', filter.systemCode]);
      if (filter.from) conditions.push(['t.at >= ?', filter.from]);
      if (filter.to) conditions.push(['t.at < ?', filter.to]);
      const where = conditions.map(([sql]) => sql);
      const args = conditions.map(([, arg]) => arg);
      const sql = `SELECT t.* FROM trades t ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY t.entry_id DESC LIMIT ?`;
      return Promise.resolve((db.prepare(sql).all(...args, filter.limit) as Row[]).map((r) => toTradeRecord(r) as TradeRecord));
    },
    tradedWith: (applicationId, systemCode) => Promise.resolve(db.prepare('SELECT 1 FROM trade_payees WHERE system_code = ? AND application_id = ? LIMIT 1').get(systemCode, applicationId) !== undefined),
    pendingCount: () => Promise.resolve(Number((pendingTotal.get() as Row)['n'])),
    tradeCounts(from, to) {
      const r = tradeTotals.get(from, to) as Row;
      return Promise.resolve({ pending: Number(r['pending']), recorded: Number(r['recorded']), refused: Number(r['refused']), amountFen: Number(r['fen']) });
    },

    statement(accountId, from, to) {
      return attempt(() =>
        db.transaction(() => {
          const account = requireAccount(accountId);
          const openingFen = Number((balanceBefore.get(accountId, from) as Row)['total']);
          let balance = openingFen;
          let creditsFen = 0;
          let debitsFen = 0;
          const lines = (linesBetween.all(accountId, from, to) as Row[]).map((r): StatementLine => {
            const amountFen = Number(r['amount_fen']);
            balance += amountFen;
            if (amountFen > 0) creditsFen += amountFen;
            else debitsFen -= amountFen;
            return { entryId: Number(r['entry_id']), at: String(r['at']), kind: String(r['kind']) as EntryKind, reference: String(r['reference']), amountFen, balanceFen: balance, memo: String(r['memo']) };
          });
          return { account, from, to, openingFen, creditsFen, debitsFen, closingFen: balance, lines };
        })(),
      );
    },
    settle: (runBy) => attempt(() => settle(runBy)),
    settlements: () => Promise.resolve((db.prepare('SELECT * FROM settlements ORDER BY settlement_id').all() as Row[]).map(toSettlement)),
    journal(from, to) {
      const rows = db.prepare('SELECT e.entry_id, e.at, e.kind, e.reference, e.memo, p.account_id, p.amount_fen FROM entries e JOIN postings p USING (entry_id) WHERE e.at >= ? AND e.at < ? ORDER BY e.entry_id, p.account_id').all(from, to) as Row[];
      return Promise.resolve(rows.map((r): JournalRow => ({ entryId: Number(r['entry_id']), at: String(r['at']), kind: String(r['kind']) as EntryKind, reference: String(r['reference']), accountId: String(r['account_id']), amountFen: Number(r['amount_fen']), memo: String(r['memo']) })));
    },
    check() {
      const sum = Number((db.prepare('SELECT COALESCE(SUM(balance_fen), 0) AS s FROM accounts').get() as Row)['s']);
      const unbalanced = (db.prepare('SELECT entry_id FROM postings GROUP BY entry_id HAVING SUM(amount_fen) <> 0').all() as Row[]).map((r) => Number(r['entry_id']));
      const drifted = (db.prepare('SELECT a.account_id FROM accounts a LEFT JOIN (SELECT account_id, SUM(amount_fen) AS s FROM postings GROUP BY account_id) p USING (account_id) WHERE a.balance_fen <> COALESCE(p.s, 0)').all() as Row[]).map((r) => String(r['account_id']));
      const sums = new Map<string, number>();
      for (const h of holds.values()) sums.set(h.accountId, (sums.get(h.accountId) ?? 0) + h.amountFen);
      const held = [...new Set([...sums.keys(), ...heldBy.keys()])].filter((id) => sums.get(id) !== heldBy.get(id));
      return Promise.resolve({ sumOfBalancesFen: sum, unbalancedEntries: unbalanced, driftedAccounts: drifted, heldMismatches: held });
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
  return { id: String(row['account_id']), kind: String(row['kind']) as AccountKind, balanceFen, heldFen, creditLimitFen, availableFen: balanceFen + creditLimitFen - heldFen, createdAt: String(row['created_at']) };
}

function toTradeRecord(row: Row | undefined): TradeRecord | undefined {
  if (!row) return undefined;
  const receipt = row['receipt'];
  return { trade: JSON.parse(String(row['body'])) as Trade, status: String(row['status']) as TradeRecord['status'], receipt: typeof receipt === 'string' ? (JSON.parse(receipt) as TradeReceipt) : null, refusal: typeof row['refusal'] === 'string' ? row['refusal'] : null };
}

function toSettlement(row: Row): Settlement {
  return {
    id: Number(row['settlement_id']),
    from: String(row['period_from']),
    to: String(row['period_to']),
    runBy: String(row['run_by']),
    trades: Number(row['trades']),
    tradedFen: Number(row['traded_fen']),
    payouts: JSON.parse(String(row['payouts'])) as Settlement['payouts'],
    digest: String(row['digest']),
  };
}
