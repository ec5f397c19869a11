import { LEDGER_CHECKPOINTS_SQL, type SqliteMigration } from '../../storage/index.js';

/**
 * The registry's schema, as numbered migrations applied in order, each in its own transaction and
 * recorded in `schema_migrations`. Never edit a released migration: add the next one.
 */
export const REGISTRY_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    name: 'initial registry',
    sql: `
      CREATE TABLE enterprises (
        credit_code TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        credit_score INTEGER NOT NULL CHECK (credit_score BETWEEN 0 AND 100),
        created_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE systems (
        code TEXT PRIMARY KEY,
        seq INTEGER NOT NULL UNIQUE,
        enterprise_credit_code TEXT NOT NULL REFERENCES enterprises (credit_code),
        name TEXT NOT NULL,
        subgraph_name TEXT NOT NULL UNIQUE,
        description TEXT NOT NULL,
        url TEXT NOT NULL,
        sdl TEXT NOT NULL,
        coding_rule TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('ACTIVE', 'SUSPENDED', 'REVOKED')),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (enterprise_credit_code, name)
      ) STRICT;

      CREATE TABLE principals (
        key_id TEXT PRIMARY KEY,
        role TEXT NOT NULL CHECK (role IN ('PLATFORM_ADMIN', 'ENTERPRISE_USER', 'AUDITOR')),
        system_code TEXT REFERENCES systems (code),
        label TEXT NOT NULL,
        secret_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        revoked_at TEXT,
        CHECK ((role = 'ENTERPRISE_USER') = (system_code IS NOT NULL))
      ) STRICT;

      CREATE TABLE fields (
        code TEXT PRIMARY KEY,
        system_code TEXT NOT NULL REFERENCES systems (code),
        seq INTEGER NOT NULL,
        name TEXT NOT NULL UNIQUE,
        fee_fen INTEGER CHECK (fee_fen IS NULL OR fee_fen >= 0),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (system_code, seq)
      ) STRICT;

      CREATE TABLE identifiers (
        identifier TEXT PRIMARY KEY,
        issuer_code TEXT NOT NULL REFERENCES systems (code),
        kind TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('ACTIVE', 'SUSPENDED', 'REVOKED')),
        holder_count INTEGER NOT NULL DEFAULT 0,
        audit_status TEXT NOT NULL DEFAULT 'UNAUDITED' CHECK (audit_status IN ('UNAUDITED', 'CONFIRMED', 'NOT_FOUND')),
        audited_by TEXT,
        audited_at TEXT,
        audit_note TEXT,
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX identifiers_by_issuer ON identifiers (issuer_code);
      CREATE INDEX identifiers_key_devices ON identifiers (holder_count) WHERE holder_count >= 2;

      CREATE TABLE holdings (
        identifier TEXT NOT NULL REFERENCES identifiers (identifier),
        system_code TEXT NOT NULL REFERENCES systems (code),
        local_code TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (identifier, system_code),
        UNIQUE (system_code, local_code)
      ) STRICT, WITHOUT ROWID;

      -- Kept current incrementally: every new holding bumps its device's holder count.
      CREATE TRIGGER holdings_count AFTER INSERT ON holdings BEGIN
        UPDATE identifiers SET holder_count = holder_count + 1 WHERE identifier = NEW.identifier;
      END;

      CREATE TABLE registry_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        subject TEXT NOT NULL,
        details TEXT NOT NULL
      ) STRICT;
      CREATE TRIGGER registry_log_no_update BEFORE UPDATE ON registry_log BEGIN
        SELECT RAISE(ABORT, 'registry_log is append-only');
      END;
      CREATE TRIGGER registry_log_no_delete BEFORE DELETE ON registry_log BEGIN
        SELECT RAISE(ABORT, 'registry_log is append-only');
      END;
    `,
  },
  {
    version: 2,
    name: 'ledger outbox',
    sql: `
      -- What the ledger must learn, written in the same transaction as the registry change and
      -- drained by the ledger publisher: the registry never waits on the ledger, and never
      -- forgets to tell it.
      CREATE TABLE ledger_outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL CHECK (kind IN ('fields', 'catalog')),
        subject TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE TRIGGER outbox_catalog AFTER INSERT ON holdings BEGIN
        INSERT INTO ledger_outbox (kind, subject, created_at) VALUES ('catalog', NEW.identifier, NEW.created_at);
      END;
      CREATE TRIGGER outbox_fields_insert AFTER INSERT ON fields BEGIN
        INSERT INTO ledger_outbox (kind, subject, created_at) VALUES ('fields', NEW.system_code, NEW.updated_at);
      END;
      CREATE TRIGGER outbox_fields_update AFTER UPDATE ON fields BEGIN
        INSERT INTO ledger_outbox (kind, subject, created_at) VALUES ('fields', NEW.system_code, NEW.updated_at);
      END;
      -- A new field changes the catalog entry of every device its system holds.
      CREATE TRIGGER outbox_fields_catalog AFTER INSERT ON fields BEGIN
        INSERT INTO ledger_outbox (kind, subject, created_at)
          SELECT 'catalog', identifier, NEW.updated_at FROM holdings WHERE system_code = NEW.system_code;
      END;
    `,
  },
  {
    version: 3,
    name: 'applications',
    sql: `
      CREATE TABLE applications (
        app_id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL UNIQUE,
        name TEXT NOT NULL UNIQUE,
        roles TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;

      -- Principals gain the application role; SQLite changes a CHECK by rebuilding the table.
      CREATE TABLE principals_v3 (
        key_id TEXT PRIMARY KEY,
        role TEXT NOT NULL CHECK (role IN ('PLATFORM_ADMIN', 'ENTERPRISE_USER', 'AUDITOR', 'APPLICATION')),
        system_code TEXT REFERENCES systems (code),
        app_id TEXT REFERENCES applications (app_id),
        label TEXT NOT NULL,
        secret_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        revoked_at TEXT,
        CHECK ((role = 'ENTERPRISE_USER') = (system_code IS NOT NULL)),
        CHECK ((role = 'APPLICATION') = (app_id IS NOT NULL))
      ) STRICT;
      INSERT INTO principals_v3 (key_id, role, system_code, app_id, label, secret_hash, created_at, revoked_at)
        SELECT key_id, role, system_code, NULL, label, secret_hash, created_at, revoked_at FROM principals;
      DROP TABLE principals;
      ALTER TABLE principals_v3 RENAME TO principals;
    `,
  },
  {
    version: 4,
    name: 'credit history',
    sql: `
      -- Every change of an enterprise's credit score, written in the same transaction as the
      -- score itself. Scores before this migration have no history: their first event starts it.
      CREATE TABLE credit_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        credit_code TEXT NOT NULL REFERENCES enterprises (credit_code),
        system_code TEXT REFERENCES systems (code),
        kind TEXT NOT NULL CHECK (kind IN ('TAMPER', 'FAILED_VERIFICATION', 'FEEDBACK', 'ADMIN', 'REINSTATEMENT')),
        delta INTEGER NOT NULL,
        score_before INTEGER NOT NULL CHECK (score_before BETWEEN 0 AND 100),
        score_after INTEGER NOT NULL CHECK (score_after BETWEEN 0 AND 100),
        reason TEXT NOT NULL,
        actor TEXT NOT NULL,
        reference TEXT NOT NULL,
        -- The rating application of a FEEDBACK event, kept apart so the daily limit is an index.
        app_id TEXT,
        CHECK (delta = score_after - score_before),
        CHECK ((kind = 'FEEDBACK') = (app_id IS NOT NULL))
      ) STRICT;
      CREATE INDEX credit_events_by_enterprise ON credit_events (credit_code, seq);
      CREATE INDEX credit_events_by_system ON credit_events (system_code, seq) WHERE system_code IS NOT NULL;
      -- At most one rating per application and system per UTC day (at is ISO 8601 in UTC).
      CREATE UNIQUE INDEX credit_feedback_daily ON credit_events (app_id, system_code, substr(at, 1, 10)) WHERE kind = 'FEEDBACK';
      CREATE TRIGGER credit_events_no_update BEFORE UPDATE ON credit_events BEGIN
        SELECT RAISE(ABORT, 'credit_events is append-only');
      END;
      CREATE TRIGGER credit_events_no_delete BEFORE DELETE ON credit_events BEGIN
        SELECT RAISE(ABORT, 'credit_events is append-only');
      END;
    `,
  },
  {
    version: 5,
    name: 'field change policies',
    sql: `
      -- What a value changed since its anchor is, as the system registered it: the gateway and the
      -- ledger read it here, never from a response. Fields registered before start as refuse.
      ALTER TABLE fields ADD COLUMN change_policy TEXT NOT NULL DEFAULT 'refuse' CHECK (change_policy IN ('refuse', 'release-unverified'));
      -- The ledger learns the policies of the fields it already holds.
      INSERT INTO ledger_outbox (kind, subject, created_at)
        SELECT DISTINCT 'fields', system_code, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM fields;
    `,
  },
  {
    version: 6,
    name: 'enterprise onboarding',
    sql: `
      -- Enterprises become accounts. Enterprises from before this migration were created by the
      -- registration of their systems, which run: they are approved, and an admin issues their
      -- operator keys (gridmark enterprise key).
      ALTER TABLE enterprises ADD COLUMN status TEXT NOT NULL DEFAULT 'APPROVED' CHECK (status IN ('PENDING', 'APPROVED', 'REJECTED'));
      ALTER TABLE enterprises ADD COLUMN contact TEXT;
      ALTER TABLE enterprises ADD COLUMN status_reason TEXT;

      -- Principals gain the enterprise operator role, which acts for one enterprise.
      CREATE TABLE principals_v6 (
        key_id TEXT PRIMARY KEY,
        role TEXT NOT NULL CHECK (role IN ('PLATFORM_ADMIN', 'ENTERPRISE_OPERATOR', 'ENTERPRISE_USER', 'AUDITOR', 'APPLICATION')),
        system_code TEXT REFERENCES systems (code),
        app_id TEXT REFERENCES applications (app_id),
        credit_code TEXT REFERENCES enterprises (credit_code),
        label TEXT NOT NULL,
        secret_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        revoked_at TEXT,
        CHECK ((role = 'ENTERPRISE_USER') = (system_code IS NOT NULL)),
        CHECK ((role = 'APPLICATION') = (app_id IS NOT NULL)),
        CHECK ((role = 'ENTERPRISE_OPERATOR') = (credit_code IS NOT NULL))
      ) STRICT;
      INSERT INTO principals_v6 (key_id, role, system_code, app_id, credit_code, label, secret_hash, created_at, revoked_at)
        SELECT key_id, role, system_code, app_id, NULL, label, secret_hash, created_at, revoked_at FROM principals;
      DROP TABLE principals;
      ALTER TABLE principals_v6 RENAME TO principals;

      -- A business system belongs to an approved enterprise, whatever writes the row; and an
      -- operator key is only ever for an approved one.
      CREATE TRIGGER systems_need_approved_enterprise BEFORE INSERT ON systems
        WHEN (SELECT status FROM enterprises WHERE credit_code = NEW.enterprise_credit_code) IS NOT 'APPROVED'
      BEGIN
        SELECT RAISE(ABORT, 'the enterprise of a business system must be approved');
      END;
      CREATE TRIGGER operators_need_approved_enterprise BEFORE INSERT ON principals
        WHEN NEW.role = 'ENTERPRISE_OPERATOR' AND (SELECT status FROM enterprises WHERE credit_code = NEW.credit_code) IS NOT 'APPROVED'
      BEGIN
        SELECT RAISE(ABORT, 'an enterprise operator key is for an approved enterprise');
      END;
    `,
  },
  {
    version: 8,
    name: 'the ledger checkpoints this registry witnesses',
    sql: LEDGER_CHECKPOINTS_SQL,
  },
];
