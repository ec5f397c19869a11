import type Database from 'better-sqlite3';
import { StoreConflict, type LogInput } from '../registry-store.js';
import type { RegisteredField } from '../registry-types.js';
import { str, strOrNull, type Row, type SqliteStoreContext } from './sqlite-rows.js';

/** A field to add, or whose fee (and change policy, when given) to update. */
export interface FieldInput {
  readonly name: string;
  readonly feeFen: number | null;
  readonly changePolicy?: RegisteredField['changePolicy'];
}

/**
 * The shareable fields of the SQLite registry store: each name has one owning system, codes are
 * numbered per system (`<system>.F0001`).
 */
export class SqliteFields {
  readonly #ownerOf: Database.Statement;
  readonly #update: Database.Statement;
  readonly #nextSeq: Database.Statement;
  readonly #insert: Database.Statement;
  readonly #ofSystem: Database.Statement;
  readonly #all: Database.Statement;

  /**
   * Adds fields or updates existing ones by name, and logs it.
   * @throws StoreConflict `FIELD_CONFLICT` when another system owns a name; nothing is written then.
   */
  readonly upsert: (
    systemCode: string,
    fields: readonly FieldInput[],
    entry: LogInput,
  ) => RegisteredField[];

  constructor(context: SqliteStoreContext) {
    const { db } = context;
    this.#ownerOf = db.prepare('SELECT system_code FROM fields WHERE name = ?');
    this.#update = db.prepare(
      'UPDATE fields SET fee_fen = ?, change_policy = coalesce(?, change_policy), updated_at = ? WHERE name = ?',
    );
    this.#nextSeq = db.prepare(
      'SELECT coalesce(max(seq), 0) + 1 AS seq FROM fields WHERE system_code = ?',
    );
    this.#insert = db.prepare(
      'INSERT INTO fields (code, system_code, seq, name, fee_fen, change_policy, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.#ofSystem = db.prepare('SELECT * FROM fields WHERE system_code = ? ORDER BY seq');
    this.#all = db.prepare('SELECT * FROM fields ORDER BY system_code, seq');
    this.upsert = db.transaction(
      (systemCode: string, fields: readonly FieldInput[], entry: LogInput) => {
        const at = context.now();
        for (const field of fields) this.#upsertOne(systemCode, field, at);
        context.log(entry, at);
        return (this.#ofSystem.all(systemCode) as Row[]).map(toField);
      },
    );
  }

  /** Fields in system and code order, of one system when given. */
  list(systemCode?: string): RegisteredField[] {
    const rows = (systemCode ? this.#ofSystem.all(systemCode) : this.#all.all()) as Row[];
    return rows.map(toField);
  }

  /** The system that owns a field name, if any. */
  owner(name: string): string | undefined {
    return strOrNull((this.#ownerOf.get(name) as Row | undefined)?.['system_code']) ?? undefined;
  }

  #upsertOne(systemCode: string, field: FieldInput, at: string): void {
    const owner = this.owner(field.name);
    if (owner !== undefined && owner !== systemCode)
      throw new StoreConflict(
        'FIELD_CONFLICT',
        `Device.${field.name} is already registered by ${owner}`,
        { field: field.name },
      );
    if (owner !== undefined) {
      this.#update.run(field.feeFen, field.changePolicy ?? null, at, field.name);
      return;
    }
    const seq = Number((this.#nextSeq.get(systemCode) as Row)['seq']);
    this.#insert.run(
      `${systemCode}.F${String(seq).padStart(4, '0')}`,
      systemCode,
      seq,
      field.name,
      field.feeFen,
      field.changePolicy ?? 'refuse',
      at,
      at,
    );
  }
}

/** A `fields` row as the registry's type. */
function toField(row: Row): RegisteredField {
  const name = str(row['name']);
  return {
    code: str(row['code']),
    systemCode: str(row['system_code']),
    name,
    coordinate: `Device.${name}`,
    feeFen: row['fee_fen'] === null ? null : Number(row['fee_fen']),
    changePolicy:
      str(row['change_policy']) === 'release-unverified' ? 'release-unverified' : 'refuse',
    createdAt: str(row['created_at']),
  };
}
