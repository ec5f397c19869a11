import type { SqliteMigration } from '../../storage/index.js';

/** True for text that is 64 lower-case hex digits (SQL): such ids are kept as their 32 bytes. */
const IS_HEX_ID = (column: string): string =>
  `(typeof(${column}) = 'text' AND length(${column}) = 64 AND ${column} NOT GLOB '*[^0-9a-f]*')`;

/** The trades' parties: each (CHARGE entry, account) of the trade's application and payees (SQL over version 3's tables). */
const OLD_PARTIES = `
  SELECT t.entry_id, t.application_id AS account_id FROM trades t
  UNION SELECT t.entry_id, p.system_code FROM trade_payees p JOIN trades t USING (trade_id)`;

/** The same, as version 4 finds them: postings of applications and systems in trades' CHARGE entries, and unpaid parties. */
const NEW_PARTIES = `
  SELECT p.entry_id, p.account_no FROM postings_v4 p JOIN trades_v4 t USING (entry_id) JOIN accounts_v4 a USING (account_no)
  WHERE a.kind IN ('APPLICATION', 'SYSTEM')
  UNION SELECT entry_id, account_no FROM unpaid_parties`;

/**
 * Version 4 of the billing book: compact records (a charged query costs about a fifth of what it
 * did on disk). Rebuilds the journal and the trades, copies every row and checks the copy before
 * the old tables go:
 *
 * - accounts get a number (`account_no`) that postings use instead of the account's name;
 * - memos are kept once (`memos`), entries point at theirs;
 * - a trade's CHARGE entry keeps no reference of its own: it is the trade's id (`trades.entry_id`);
 * - postings are a `WITHOUT ROWID` table (the table is its primary key);
 * - `trade_payees` goes: a trade's payees are in its body and its CHARGE postings, `traded_pairs`
 *   answers `tradedWith`, and `unpaid_parties` lists the parties of a charge that moved 0 fen
 *   (they have no posting), so that a party's trades are its postings' trades and those;
 * - a trade's content apart from its id, resolution and time is shared by every trade with the same
 *   content (`trade_bodies`, by SHA-256); its time is its CHARGE entry's;
 * - a receipt is its batch's leaves, kept once per ledger transaction (`receipt_batches`), and the
 *   trade's place among them; the proof is recomputed when read;
 * - trade and resolution ids and transaction ids of 64 hex digits are kept as their 32 bytes.
 *
 * This SQL copies trades as they were (whole body and receipt JSON, which the new `trades` keeps for
 * a trade whose content or receipt does not fit the shared forms) and queues them in
 * `trades_to_compact`; the store then moves each into the shared forms, checking that it reads
 * back exactly as before (`compactCopiedTrades`).
 */
export const COMPACT_RECORDS_MIGRATION: SqliteMigration = {
  version: 4,
  name: 'compact records: numbered accounts, shared memos and trade bodies, receipts by batch, no trade_payees',
  rebuildsTables: true,
  sql: `
    CREATE TABLE accounts_v4 (
      account_no INTEGER PRIMARY KEY,
      account_id TEXT NOT NULL UNIQUE,
      kind TEXT NOT NULL CHECK (kind IN ('APPLICATION', 'SYSTEM', 'PLATFORM', 'EXTERNAL')),
      balance_fen INTEGER NOT NULL DEFAULT 0,
      credit_limit_fen INTEGER NOT NULL DEFAULT 0 CHECK (credit_limit_fen >= 0),
      created_at TEXT NOT NULL,
      -- An application never spends more than its balance and credit limit.
      CHECK (kind <> 'APPLICATION' OR balance_fen + credit_limit_fen >= 0)
    ) STRICT;
    INSERT INTO accounts_v4 (account_id, kind, balance_fen, credit_limit_fen, created_at)
      SELECT account_id, kind, balance_fen, credit_limit_fen, created_at FROM accounts ORDER BY created_at, account_id;

    CREATE TABLE memos (
      memo_id INTEGER PRIMARY KEY,
      memo TEXT NOT NULL UNIQUE
    ) STRICT;
    INSERT OR IGNORE INTO memos (memo) SELECT memo FROM entries ORDER BY entry_id;

    -- One journal entry per movement of money; its reference makes it happen once. A trade's
    -- CHARGE has no reference of its own: it is the id of the trade whose entry it is.
    CREATE TABLE entries_v4 (
      entry_id INTEGER PRIMARY KEY,
      at TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('TOP_UP', 'CHARGE', 'REGISTRATION_FEE', 'PAYOUT', 'REFUND')),
      reference TEXT CHECK (reference IS NOT NULL OR kind = 'CHARGE'),
      memo_id INTEGER NOT NULL REFERENCES memos (memo_id)
    ) STRICT;
    INSERT INTO entries_v4 (entry_id, at, kind, reference, memo_id)
      SELECT e.entry_id, e.at, e.kind,
        CASE WHEN e.kind = 'CHARGE' AND EXISTS (SELECT 1 FROM trades t WHERE t.entry_id = e.entry_id AND t.trade_id = e.reference) THEN NULL ELSE e.reference END,
        m.memo_id
      FROM entries e JOIN memos m ON m.memo = e.memo;

    CREATE TABLE postings_v4 (
      entry_id INTEGER NOT NULL REFERENCES entries (entry_id),
      account_no INTEGER NOT NULL REFERENCES accounts (account_no),
      amount_fen INTEGER NOT NULL,
      PRIMARY KEY (entry_id, account_no)
    ) STRICT, WITHOUT ROWID;
    INSERT INTO postings_v4 (entry_id, account_no, amount_fen)
      SELECT p.entry_id, a.account_no, p.amount_fen FROM postings p JOIN accounts_v4 a USING (account_id);

    -- What trades with the same content share: everything but the trade's id, resolution and time.
    CREATE TABLE trade_bodies (
      body_id INTEGER PRIMARY KEY,
      hash BLOB NOT NULL UNIQUE,
      body TEXT NOT NULL
    ) STRICT;
    -- A ledger transaction's batch of trades: its Merkle leaves in order, from which its root and
    -- each trade's receipt are recomputed.
    CREATE TABLE receipt_batches (
      batch_id INTEGER PRIMARY KEY,
      tx_id ANY NOT NULL,
      leaves BLOB NOT NULL CHECK (length(leaves) > 0 AND length(leaves) % 32 = 0)
    ) STRICT;
    -- A trade: its row id is its CHARGE entry's; trade_id is its id as text, computed from the
    -- stored key. body and receipt hold the whole JSON of a trade whose content or receipt is not
    -- in the shared forms (body_id, batch_id and leaf).
    CREATE TABLE trades_v4 (
      entry_id INTEGER PRIMARY KEY REFERENCES entries (entry_id),
      trade_key ANY NOT NULL UNIQUE,
      trade_id TEXT GENERATED ALWAYS AS (CASE WHEN typeof(trade_key) = 'blob' THEN lower(hex(trade_key)) ELSE trade_key END) VIRTUAL,
      resolution_id ANY NOT NULL,
      body_id INTEGER REFERENCES trade_bodies (body_id),
      amount_fen INTEGER NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('PENDING', 'RECORDED', 'REFUSED')),
      batch_id INTEGER REFERENCES receipt_batches (batch_id),
      leaf INTEGER,
      receipt TEXT,
      refusal TEXT,
      body TEXT,
      CHECK (body_id IS NOT NULL OR body IS NOT NULL),
      CHECK ((batch_id IS NULL) = (leaf IS NULL))
    ) STRICT;
    INSERT INTO trades_v4 (entry_id, trade_key, resolution_id, amount_fen, status, receipt, refusal, body)
      SELECT entry_id, CASE WHEN ${IS_HEX_ID('trade_id')} THEN unhex(trade_id) ELSE trade_id END,
        CASE WHEN ${IS_HEX_ID("json_extract(body, '$.resolutionId')")} THEN unhex(json_extract(body, '$.resolutionId')) ELSE COALESCE(json_extract(body, '$.resolutionId'), '') END,
        amount_fen, status, receipt, refusal, body
      FROM trades ORDER BY entry_id;

    -- The pairs (application, system) that have traded: what tradedWith answers, one row per pair.
    CREATE TABLE traded_pairs (
      application_id TEXT NOT NULL,
      system_code TEXT NOT NULL,
      PRIMARY KEY (application_id, system_code)
    ) STRICT, WITHOUT ROWID;
    INSERT OR IGNORE INTO traded_pairs (application_id, system_code) SELECT application_id, system_code FROM trade_payees;

    -- Parties of a trade that moved 0 fen in its charge, so have no posting in it: a payee paid
    -- nothing, the application of a free trade. A party's trades are its postings' and these.
    CREATE TABLE unpaid_parties (
      account_no INTEGER NOT NULL REFERENCES accounts (account_no),
      entry_id INTEGER NOT NULL REFERENCES entries (entry_id),
      PRIMARY KEY (account_no, entry_id)
    ) STRICT, WITHOUT ROWID;
    INSERT INTO unpaid_parties (account_no, entry_id)
      SELECT a.account_no, o.entry_id FROM (${OLD_PARTIES}) o JOIN accounts_v4 a USING (account_id)
      WHERE NOT EXISTS (SELECT 1 FROM postings q WHERE q.entry_id = o.entry_id AND q.account_id = o.account_id);

    -- Trades copied whole, to be moved into the shared forms by the store, batch by batch.
    CREATE TABLE trades_to_compact (
      tx_id TEXT NOT NULL,
      merkle_root TEXT NOT NULL,
      entry_id INTEGER NOT NULL,
      PRIMARY KEY (tx_id, merkle_root, entry_id)
    ) STRICT, WITHOUT ROWID;
    INSERT INTO trades_to_compact (tx_id, merkle_root, entry_id)
      SELECT
        CASE WHEN json_valid(receipt) THEN COALESCE(CAST(json_extract(receipt, '$.txId') AS TEXT), '') ELSE '' END,
        CASE WHEN json_valid(receipt) THEN COALESCE(CAST(json_extract(receipt, '$.merkleRoot') AS TEXT), '') ELSE '' END,
        entry_id
      FROM trades_v4;

    -- The copy is checked before anything is dropped: a failed check names what differs and
    -- leaves the book as it was.
    CREATE TABLE v4_copy_check (
      accounts INTEGER NOT NULL CONSTRAINT "every account copied with its balance" CHECK (accounts = 1),
      entries INTEGER NOT NULL CONSTRAINT "every journal entry copied with its reference and memo" CHECK (entries = 1),
      postings INTEGER NOT NULL CONSTRAINT "every posting copied" CHECK (postings = 1),
      trades INTEGER NOT NULL CONSTRAINT "every trade copied with its status, receipt and refusal" CHECK (trades = 1),
      trade_columns INTEGER NOT NULL CONSTRAINT "each trade's application, time and amount are its body's" CHECK (trade_columns = 1),
      payees INTEGER NOT NULL CONSTRAINT "each trade's payees are its body's" CHECK (payees = 1),
      parties INTEGER NOT NULL CONSTRAINT "each trade's parties found by postings and unpaid_parties" CHECK (parties = 1)
    ) STRICT;
    INSERT INTO v4_copy_check (accounts, entries, postings, trades, trade_columns, payees, parties) VALUES (
      (SELECT COUNT(*) FROM accounts) = (SELECT COUNT(*) FROM accounts_v4) AND NOT EXISTS (
        SELECT account_id, kind, balance_fen, credit_limit_fen, created_at FROM accounts
        EXCEPT SELECT account_id, kind, balance_fen, credit_limit_fen, created_at FROM accounts_v4),
      (SELECT COUNT(*) FROM entries) = (SELECT COUNT(*) FROM entries_v4) AND NOT EXISTS (
        SELECT entry_id, at, kind, reference, memo FROM entries
        EXCEPT SELECT e.entry_id, e.at, e.kind, COALESCE(e.reference, t.trade_id), m.memo
          FROM entries_v4 e JOIN memos m USING (memo_id) LEFT JOIN trades_v4 t ON e.reference IS NULL AND t.entry_id = e.entry_id),
      (SELECT COUNT(*) FROM postings) = (SELECT COUNT(*) FROM postings_v4) AND NOT EXISTS (
        SELECT entry_id, account_id, amount_fen FROM postings
        EXCEPT SELECT p.entry_id, a.account_id, p.amount_fen FROM postings_v4 p JOIN accounts_v4 a USING (account_no)),
      (SELECT COUNT(*) FROM trades) = (SELECT COUNT(*) FROM trades_v4) AND NOT EXISTS (
        SELECT entry_id, trade_id, amount_fen, status, receipt, refusal, body FROM trades
        EXCEPT SELECT entry_id, trade_id, amount_fen, status, receipt, refusal, body FROM trades_v4),
      NOT EXISTS (
        SELECT 1 FROM trades WHERE NOT json_valid(body)
          OR application_id IS NOT json_extract(body, '$.applicationId') OR at IS NOT json_extract(body, '$.at')
          OR amount_fen IS NOT json_extract(body, '$.amountFen') OR trade_id IS NOT json_extract(body, '$.tradeId')),
      (SELECT COUNT(*) FROM trade_payees) = (SELECT COALESCE(SUM(json_array_length(body, '$.payees')), 0) FROM trades) AND NOT EXISTS (
        SELECT 1 FROM trade_payees p JOIN trades t USING (trade_id)
        WHERE p.application_id IS NOT t.application_id OR NOT EXISTS (
          SELECT 1 FROM json_each(t.body, '$.payees') j
          WHERE json_extract(j.value, '$.systemCode') IS p.system_code AND json_extract(j.value, '$.amountFen') IS p.amount_fen)),
      NOT EXISTS (SELECT o.entry_id, a.account_no FROM (${OLD_PARTIES}) o JOIN accounts_v4 a USING (account_id) EXCEPT SELECT * FROM (${NEW_PARTIES}))
        AND NOT EXISTS (${NEW_PARTIES} EXCEPT SELECT o.entry_id, a.account_no FROM (${OLD_PARTIES}) o JOIN accounts_v4 a USING (account_id))
    );
    DROP TABLE v4_copy_check;

    DROP TABLE trade_payees;
    DROP TABLE trades;
    DROP TABLE postings;
    DROP TABLE entries;
    DROP TABLE accounts;
    ALTER TABLE accounts_v4 RENAME TO accounts;
    ALTER TABLE entries_v4 RENAME TO entries;
    ALTER TABLE postings_v4 RENAME TO postings;
    ALTER TABLE trades_v4 RENAME TO trades;

    CREATE INDEX entries_at ON entries (at);
    CREATE UNIQUE INDEX entries_reference ON entries (kind, reference) WHERE reference IS NOT NULL;
    CREATE INDEX postings_account ON postings (account_no, entry_id);
    -- Only trades that wait for the ledger are in it.
    CREATE INDEX trades_pending ON trades (entry_id) WHERE status = 'PENDING';

    -- The journal is append-only; what trades share is kept as charged.
    CREATE TRIGGER entries_append_only_update BEFORE UPDATE ON entries BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
    CREATE TRIGGER entries_append_only_delete BEFORE DELETE ON entries BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
    CREATE TRIGGER postings_append_only_update BEFORE UPDATE ON postings BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
    CREATE TRIGGER postings_append_only_delete BEFORE DELETE ON postings BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
    CREATE TRIGGER memos_append_only_update BEFORE UPDATE ON memos BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
    CREATE TRIGGER memos_append_only_delete BEFORE DELETE ON memos BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
    CREATE TRIGGER trade_bodies_kept_update BEFORE UPDATE ON trade_bodies BEGIN SELECT RAISE(ABORT, 'trade contents are kept as charged'); END;
    CREATE TRIGGER trade_bodies_kept_delete BEFORE DELETE ON trade_bodies BEGIN SELECT RAISE(ABORT, 'trade contents are kept as charged'); END;
    CREATE TRIGGER receipt_batches_kept_update BEFORE UPDATE ON receipt_batches BEGIN SELECT RAISE(ABORT, 'receipts are kept as the ledger gave them'); END;
    CREATE TRIGGER receipt_batches_kept_delete BEFORE DELETE ON receipt_batches BEGIN SELECT RAISE(ABORT, 'receipts are kept as the ledger gave them'); END;
  `,
};
