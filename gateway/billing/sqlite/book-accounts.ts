import type Database from 'better-sqlite3';
import { BookConflict } from '../billing-store.js';
import {
  EXTERNAL_ACCOUNT,
  PLATFORM_ACCOUNT,
  type Account,
  type AccountKind,
} from '../billing-types.js';
import type { BookJournal } from './book-journal.js';

type Row = Record<string, unknown>;

/**
 * The book's accounts and the money that enters them from outside: top-ups, credit limits, the
 * registration fees that systems pay. Each write is one transaction.
 */
export class BookAccounts {
  readonly #journal: BookJournal;
  readonly #heldFen: (accountId: string) => number;
  readonly #now: () => string;
  readonly #accountRow: Database.Statement;
  readonly #insertAccount: Database.Statement;
  readonly #setLimit: Database.Statement;
  /** Accounts known to exist, with their kind: a charge opens its payees' accounts without a read once they exist. */
  readonly #opened = new Map<string, AccountKind>();
  readonly #openOne: (id: string, kind: AccountKind) => Account;
  readonly #topUp: (
    accountId: string,
    amountFen: number,
    reference: string,
    memo: string,
  ) => Account;
  readonly #setCreditLimit: (accountId: string, limit: number) => Account;
  readonly #registrationFee: (systemCode: string, amountFen: number) => boolean;

  /** `heldFen` tells how much of an account open holds reserve (holds live in memory). */
  constructor(
    db: Database.Database,
    journal: BookJournal,
    heldFen: (accountId: string) => number,
    now: () => string,
  ) {
    this.#journal = journal;
    this.#heldFen = heldFen;
    this.#now = now;
    this.#accountRow = db.prepare('SELECT * FROM accounts WHERE account_id = ?');
    this.#insertAccount = db.prepare(
      'INSERT INTO accounts (account_id, kind, created_at) VALUES (?, ?, ?) ON CONFLICT (account_id) DO NOTHING',
    );
    this.#setLimit = db.prepare('UPDATE accounts SET credit_limit_fen = ? WHERE account_id = ?');
    this.#openOne = db.transaction((id: string, kind: AccountKind) => this.open(id, kind));
    this.#topUp = db.transaction(
      (accountId: string, amountFen: number, reference: string, memo: string) =>
        this.#credit(accountId, amountFen, reference, memo),
    );
    this.#setCreditLimit = db.transaction((accountId: string, limit: number) =>
      this.#changeLimit(accountId, limit),
    );
    this.#registrationFee = db.transaction((systemCode: string, amountFen: number) =>
      this.#chargeFee(systemCode, amountFen),
    );
  }

  get(id: string): Account | undefined {
    return toAccount(this.#accountRow.get(id) as Row | undefined, this.#heldFen(id));
  }

  /** @throws BookConflict UNKNOWN_ACCOUNT */
  require(id: string): Account {
    return this.get(id) ?? unknownAccount(id);
  }

  /** Opens the account if it does not exist, inside the caller's transaction. @throws BookConflict INVALID_STATE when it exists as another kind */
  open(id: string, kind: AccountKind): Account {
    this.#insertAccount.run(id, kind, this.#now());
    const account = this.require(id);
    if (account.kind !== kind)
      throw new BookConflict(
        'INVALID_STATE',
        `account ${id} is a ${account.kind.toLowerCase()} account, not ${kind.toLowerCase()}`,
      );
    return account;
  }

  /** {@link open} in a transaction of its own. */
  openAlone(id: string, kind: AccountKind): Account {
    return this.#openOne(id, kind);
  }

  /** Opens the account unless it is known to exist already, inside the caller's transaction. */
  ensure(id: string, kind: AccountKind): void {
    if (this.#opened.get(id) === kind) return;
    this.open(id, kind);
    this.#opened.set(id, kind);
  }

  /** Forgets which accounts exist: a rolled-back transaction may have opened some. */
  forgetOpened(): void {
    this.#opened.clear();
  }

  /** Money received from outside for an application. @throws BookConflict DUPLICATE_PAYMENT, UNKNOWN_ACCOUNT, INVALID_STATE */
  topUp(accountId: string, amountFen: number, reference: string, memo: string): Account {
    return this.#topUp(accountId, amountFen, reference, memo);
  }

  /** @throws BookConflict UNKNOWN_ACCOUNT, INVALID_STATE */
  setCreditLimit(accountId: string, limit: number): Account {
    return this.#setCreditLimit(accountId, limit);
  }

  /** Charges a system's registration fee to the platform once; returns whether it was new. */
  chargeRegistrationFee(systemCode: string, amountFen: number): boolean {
    return this.#registrationFee(systemCode, amountFen);
  }

  #credit(accountId: string, amountFen: number, reference: string, memo: string): Account {
    const account = this.require(accountId);
    if (account.kind !== 'APPLICATION')
      throw new BookConflict(
        'INVALID_STATE',
        `only applications are topped up; ${accountId} is a ${account.kind.toLowerCase()} account`,
      );
    if (this.#journal.has('TOP_UP', reference))
      throw new BookConflict(
        'DUPLICATE_PAYMENT',
        `payment reference ${reference} was already recorded; a payment is credited once.`,
        { paymentReference: reference },
      );
    this.open(EXTERNAL_ACCOUNT, 'EXTERNAL');
    this.#journal.post('TOP_UP', reference, memo, [
      [EXTERNAL_ACCOUNT, -amountFen],
      [accountId, amountFen],
    ]);
    return this.require(accountId);
  }

  #changeLimit(accountId: string, limit: number): Account {
    const account = this.require(accountId);
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
      this.#setLimit.run(limit, accountId);
    } catch (error) {
      if (isCheckFailure(error)) cannot();
      throw error;
    }
    return this.require(accountId);
  }

  #chargeFee(systemCode: string, amountFen: number): boolean {
    if (this.#journal.has('REGISTRATION_FEE', systemCode)) return false;
    this.open(systemCode, 'SYSTEM');
    this.open(PLATFORM_ACCOUNT, 'PLATFORM');
    this.#journal.post(
      'REGISTRATION_FEE',
      systemCode,
      `registration of business system ${systemCode}`,
      [
        [systemCode, -amountFen],
        [PLATFORM_ACCOUNT, amountFen],
      ],
    );
    return true;
  }
}

function unknownAccount(id: string): never {
  throw new BookConflict('UNKNOWN_ACCOUNT', `there is no account ${id}.`, { account: id });
}

function isCheckFailure(error: unknown): boolean {
  return error instanceof Error && /CHECK constraint failed/.test(error.message);
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
