import type Database from 'better-sqlite3';
import type { SystemHolding, SystemPendingEvidence } from '../registry-store.js';
import { str, strOrNull, type Row } from './sqlite-rows.js';

/** What a business system may read about itself: its holdings, paged, and its evidence still waiting for the ledger. */
export class SqliteSelfService {
  readonly #holdings: Database.Statement;
  readonly #pendingFields: Database.Statement;
  readonly #pendingCatalog: Database.Statement;

  constructor(db: Database.Database) {
    this.#holdings = db.prepare(
      `SELECT h.identifier, h.local_code, h.created_at, i.kind, i.status, i.issuer_code
         FROM holdings h JOIN identifiers i ON i.identifier = h.identifier
        WHERE h.system_code = ? AND h.identifier > ?
        ORDER BY h.identifier LIMIT ?`,
    );
    this.#pendingFields = db.prepare(
      `SELECT COUNT(*) AS n, MIN(created_at) AS since FROM ledger_outbox
        WHERE kind = 'fields' AND subject = ?`,
    );
    this.#pendingCatalog = db.prepare(
      `SELECT COUNT(DISTINCT o.subject) AS n, MIN(o.created_at) AS since FROM ledger_outbox o
        WHERE o.kind = 'catalog'
          AND o.subject IN (SELECT identifier FROM holdings WHERE system_code = ?)`,
    );
  }

  /** The system's holdings after identifier `after` (exclusive), in identifier order. */
  holdings(systemCode: string, after: string, limit: number): SystemHolding[] {
    return (this.#holdings.all(systemCode, after, limit) as Row[]).map((r) => ({
      identifier: str(r['identifier']),
      localCode: str(r['local_code']),
      kind: str(r['kind']) as SystemHolding['kind'],
      status: str(r['status']) as SystemHolding['status'],
      issuerCode: str(r['issuer_code']),
      heldSince: str(r['created_at']),
    }));
  }

  /** The system's field registrations and devices' catalog entries still waiting in the registry's ledger outbox. */
  pending(systemCode: string): SystemPendingEvidence {
    const fields = this.#pendingFields.get(systemCode) as Row;
    const catalog = this.#pendingCatalog.get(systemCode) as Row;
    const since = [strOrNull(fields['since']), strOrNull(catalog['since'])].filter(
      (s): s is string => s !== null,
    );
    return {
      fieldUpdates: Number(fields['n']),
      catalogEntries: Number(catalog['n']),
      oldestSince: since.length === 0 ? null : since.sort()[0]!,
    };
  }
}
