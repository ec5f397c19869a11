import { LEDGER_CHECKPOINTS_SQL, type SqliteMigration } from '../../storage/index.js';
import { COMPACT_RECORDS_MIGRATION } from './compact-records-migration.js';

/** The billing book's schema (its own SQLite file beside the registry's). */
export const BILLING_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    name: 'accounts, journal, trades, settlements',
    sql: `
      CREATE TABLE accounts (
        account_id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('APPLICATION', 'SYSTEM', 'PLATFORM', 'EXTERNAL')),
        balance_fen INTEGER NOT NULL DEFAULT 0,
        credit_limit_fen INTEGER NOT NULL DEFAULT 0 CHECK (credit_limit_fen >= 0),
        created_at TEXT NOT NULL,
        -- An application never spends more than its balance and credit limit.
        CHECK (kind <> 'APPLICATION' OR balance_fen + credit_limit_fen >= 0)
      ) STRICT;

      -- One journal entry per movement of money; its reference makes it happen once.
      CREATE TABLE entries (
        entry_id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('TOP_UP', 'CHARGE', 'REGISTRATION_FEE', 'PAYOUT')),
        reference TEXT NOT NULL,
        memo TEXT NOT NULL,
        UNIQUE (kind, reference)
      ) STRICT;
      CREATE INDEX entries_at ON entries (at);

      CREATE TABLE postings (
        entry_id INTEGER NOT NULL REFERENCES entries (entry_id),
        account_id TEXT NOT NULL REFERENCES accounts (account_id),
        amount_fen INTEGER NOT NULL,
        PRIMARY KEY (entry_id, account_id)
      ) STRICT;
      CREATE INDEX postings_account ON postings (account_id, entry_id);

      CREATE TABLE trades (
        trade_id TEXT PRIMARY KEY,
        entry_id INTEGER NOT NULL UNIQUE REFERENCES entries (entry_id),
        application_id TEXT NOT NULL,
        at TEXT NOT NULL,
        amount_fen INTEGER NOT NULL,
        body TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('PENDING', 'RECORDED', 'REFUSED')),
        receipt TEXT,
        refusal TEXT
      ) STRICT;
      CREATE INDEX trades_pending ON trades (status, entry_id);
      CREATE INDEX trades_application ON trades (application_id, at);
      CREATE INDEX trades_at ON trades (at);

      CREATE TABLE trade_payees (
        trade_id TEXT NOT NULL REFERENCES trades (trade_id),
        system_code TEXT NOT NULL,
        application_id TEXT NOT NULL,
        amount_fen INTEGER NOT NULL,
        PRIMARY KEY (trade_id, system_code)
      ) STRICT;
      CREATE INDEX trade_payees_system ON trade_payees (system_code, application_id);

      CREATE TABLE settlements (
        settlement_id INTEGER PRIMARY KEY,
        period_from TEXT NOT NULL,
        period_to TEXT NOT NULL,
        run_by TEXT NOT NULL,
        trades INTEGER NOT NULL,
        traded_fen INTEGER NOT NULL,
        payouts TEXT NOT NULL,
        digest TEXT NOT NULL
      ) STRICT;

      -- The journal is append-only.
      CREATE TRIGGER entries_append_only_update BEFORE UPDATE ON entries BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
      CREATE TRIGGER entries_append_only_delete BEFORE DELETE ON entries BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
      CREATE TRIGGER postings_append_only_update BEFORE UPDATE ON postings BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
      CREATE TRIGGER postings_append_only_delete BEFORE DELETE ON postings BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
      CREATE TRIGGER settlements_append_only_update BEFORE UPDATE ON settlements BEGIN SELECT RAISE(ABORT, 'settlements are final'); END;
      CREATE TRIGGER settlements_append_only_delete BEFORE DELETE ON settlements BEGIN SELECT RAISE(ABORT, 'settlements are final'); END;
    `,
  },
  {
    version: 2,
    name: 'refunds: a trade the ledger refuses is paid back by a compensating entry',
    rebuildsTables: true,
    sql: `
      CREATE TABLE entries_v2 (
        entry_id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('TOP_UP', 'CHARGE', 'REGISTRATION_FEE', 'PAYOUT', 'REFUND')),
        reference TEXT NOT NULL,
        memo TEXT NOT NULL,
        UNIQUE (kind, reference)
      ) STRICT;
      INSERT INTO entries_v2 (entry_id, at, kind, reference, memo) SELECT entry_id, at, kind, reference, memo FROM entries;
      DROP TABLE entries;
      ALTER TABLE entries_v2 RENAME TO entries;
      CREATE INDEX entries_at ON entries (at);
      CREATE TRIGGER entries_append_only_update BEFORE UPDATE ON entries BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
      CREATE TRIGGER entries_append_only_delete BEFORE DELETE ON entries BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
    `,
  },
  {
    version: 3,
    name: 'the ledger checkpoints this book witnesses',
    sql: LEDGER_CHECKPOINTS_SQL,
  },
  COMPACT_RECORDS_MIGRATION,
];
