import type Database from 'better-sqlite3';
import type { DeviceKind } from '../../catalog/index.js';
import { StoreConflict, type LogInput } from '../registry-store.js';
import type { AuditStatus, IdentifierRecord, IdentifierStatus } from '../registry-types.js';
import { str, strOrNull, type Row, type SqliteStoreContext } from './sqlite-rows.js';

/** An auditor's verdict on an identifier. */
export interface IdentifierAudit {
  readonly status: AuditStatus;
  readonly by: string;
  readonly note: string | null;
}

/** The identifiers of the SQLite registry store, read with their holdings; status and audit changes. */
export class SqliteIdentifiers {
  readonly #byIdentifier: Database.Statement;
  readonly #holdings: Database.Statement;
  readonly #setStatus: Database.Statement;
  readonly #setAudit: Database.Statement;

  /**
   * Sets an identifier's status, and logs it.
   * @throws StoreConflict `UNKNOWN_IDENTIFIER`; nothing is written then.
   */
  readonly setStatus: (
    identifier: string,
    status: IdentifierStatus,
    entry: LogInput,
  ) => IdentifierRecord;
  /**
   * Records an audit of an identifier, and logs it.
   * @throws StoreConflict `UNKNOWN_IDENTIFIER`; nothing is written then.
   */
  readonly audit: (identifier: string, audit: IdentifierAudit, entry: LogInput) => IdentifierRecord;

  constructor(context: SqliteStoreContext) {
    const { db } = context;
    this.#byIdentifier = db.prepare('SELECT * FROM identifiers WHERE identifier = ?');
    this.#holdings = db.prepare(
      'SELECT system_code, local_code FROM holdings WHERE identifier = ? ORDER BY system_code',
    );
    this.#setStatus = db.prepare('UPDATE identifiers SET status = ? WHERE identifier = ?');
    this.#setAudit = db.prepare(
      'UPDATE identifiers SET audit_status = ?, audited_by = ?, audited_at = ?, audit_note = ? WHERE identifier = ?',
    );
    this.setStatus = db.transaction(
      (identifier: string, status: IdentifierStatus, entry: LogInput) => {
        if (this.#setStatus.run(status, identifier).changes === 0)
          throw unknownIdentifier(identifier);
        context.log(entry, context.now());
        return this.get(identifier) as IdentifierRecord;
      },
    );
    this.audit = db.transaction((identifier: string, audit: IdentifierAudit, entry: LogInput) => {
      const at = context.now();
      if (this.#setAudit.run(audit.status, audit.by, at, audit.note, identifier).changes === 0)
        throw unknownIdentifier(identifier);
      context.log(entry, at);
      return this.get(identifier) as IdentifierRecord;
    });
  }

  get(identifier: string): IdentifierRecord | undefined {
    const row = this.#byIdentifier.get(identifier) as Row | undefined;
    return row ? toIdentifier(row, this.#holdings.all(identifier) as Row[]) : undefined;
  }
}

function unknownIdentifier(identifier: string): StoreConflict {
  return new StoreConflict('UNKNOWN_IDENTIFIER', `${identifier} is not a registered identifier`);
}

/** An `identifiers` row and its `holdings` rows as the registry's type. */
function toIdentifier(row: Row, holdings: Row[]): IdentifierRecord {
  return {
    identifier: str(row['identifier']),
    issuerCode: str(row['issuer_code']),
    kind: str(row['kind']) as DeviceKind,
    status: str(row['status']) as IdentifierRecord['status'],
    audit: {
      status: str(row['audit_status']) as IdentifierRecord['audit']['status'],
      by: strOrNull(row['audited_by']),
      at: strOrNull(row['audited_at']),
      note: strOrNull(row['audit_note']),
    },
    holdings: holdings.map((h) => ({
      systemCode: str(h['system_code']),
      localCode: str(h['local_code']),
    })),
    createdAt: str(row['created_at']),
  };
}
