import type Database from 'better-sqlite3';
import type { DeviceKind, DirectoryEntry } from '../../catalog/index.js';
import type { AssociationEntry, BusinessSystem, RegistryStatistics } from '../registry-types.js';
import { str, type Row } from './sqlite-rows.js';

/**
 * The reads of the SQLite registry store that span its tables: the association catalog, the
 * gateway's device directory and the statistics. Only ACTIVE identifiers held by ACTIVE systems
 * are in the catalog and the directory.
 */
export class SqliteCatalog {
  readonly #db: Database.Database;
  readonly #associations: Database.Statement;
  readonly #directory: Database.Statement;
  readonly #perSystem: Database.Statement;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#associations = db.prepare(`
    SELECT i.identifier, h.system_code, s.subgraph_name, h.local_code,
           (SELECT json_group_array(code) FROM (SELECT code FROM fields WHERE system_code = h.system_code ORDER BY seq)) AS field_codes
    FROM json_each(?) AS j
    JOIN identifiers AS i ON i.identifier = j.value AND i.status = 'ACTIVE'
    JOIN holdings AS h ON h.identifier = i.identifier
    JOIN systems AS s ON s.code = h.system_code AND s.status = 'ACTIVE'
    ORDER BY i.identifier, h.system_code`);
    this.#directory = db.prepare(`
    SELECT i.identifier, i.kind,
           (SELECT json_group_array(subgraph_name) FROM (SELECT s.subgraph_name FROM holdings h JOIN systems s ON s.code = h.system_code AND s.status = 'ACTIVE' WHERE h.identifier = i.identifier ORDER BY s.subgraph_name)) AS held_by
    FROM json_each(?) AS j JOIN identifiers AS i ON i.identifier = j.value AND i.status = 'ACTIVE'`);
    this.#perSystem = db.prepare(`
        SELECT s.code, s.name, s.status,
               (SELECT count(*) FROM identifiers WHERE issuer_code = s.code) AS issued,
               (SELECT count(*) FROM holdings WHERE system_code = s.code) AS held,
               (SELECT count(*) FROM fields WHERE system_code = s.code) AS fields
        FROM systems s ORDER BY s.seq`);
  }

  /** The catalog entries of the given devices: who holds each, under which local code and fields. */
  associations(deviceIds: readonly string[]): Map<string, AssociationEntry> {
    const found = new Map<string, AssociationEntry>();
    for (const row of this.#associations.all(JSON.stringify(deviceIds)) as Row[]) {
      const id = str(row['identifier']);
      const holdings = [
        ...(found.get(id)?.holdings ?? []),
        {
          systemCode: str(row['system_code']),
          subgraphName: str(row['subgraph_name']),
          localCode: str(row['local_code']),
          fieldCodes: JSON.parse(str(row['field_codes'])) as string[],
        },
      ];
      found.set(id, { deviceId: id, key: holdings.length >= 2, holdings });
    }
    return found;
  }

  /** Directory entries for the gateway. */
  directoryEntries(deviceIds: readonly string[]): Map<string, DirectoryEntry> {
    const rows = this.#directory.all(JSON.stringify(deviceIds)) as Row[];
    return new Map(
      rows.map((r) => [
        str(r['identifier']),
        {
          id: str(r['identifier']),
          kind: str(r['kind']) as DeviceKind,
          heldBy: JSON.parse(str(r['held_by'])) as string[],
        } satisfies DirectoryEntry,
      ]),
    );
  }

  /** Counts of systems, devices and fields, in all and per system. */
  statistics(): RegistryStatistics {
    const count = (sql: string): number => Number((this.#db.prepare(sql).get() as Row)['n']);
    const perSystem = this.#perSystem.all() as Row[];
    return {
      systems: {
        active: count(`SELECT count(*) AS n FROM systems WHERE status = 'ACTIVE'`),
        suspended: count(`SELECT count(*) AS n FROM systems WHERE status = 'SUSPENDED'`),
        revoked: count(`SELECT count(*) AS n FROM systems WHERE status = 'REVOKED'`),
      },
      devices: count('SELECT count(*) AS n FROM identifiers'),
      keyDevices: count('SELECT count(*) AS n FROM identifiers WHERE holder_count >= 2'),
      fields: count('SELECT count(*) AS n FROM fields'),
      perSystem: perSystem.map((r) => ({
        systemCode: str(r['code']),
        name: str(r['name']),
        status: str(r['status']) as BusinessSystem['status'],
        issued: Number(r['issued']),
        held: Number(r['held']),
        fields: Number(r['fields']),
      })),
    };
  }
}
