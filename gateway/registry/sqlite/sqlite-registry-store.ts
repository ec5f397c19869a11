import Database from 'better-sqlite3';
import type { DeviceKind, DirectoryEntry } from '../../catalog/device-directory.js';
import {
  StoreConflict,
  type LogInput,
  type RegistryStore,
  type StoredPrincipal,
} from '../registry-store.js';
import type {
  Application,
  ApplicationKeyRecord,
  AssociationEntry,
  BusinessSystem,
  IdentifierRecord,
  RegisteredField,
  Role,
} from '../registry-types.js';
import { prepareOwnerOnlyDatabase } from '../../../schema/index.js';
import type { CheckpointWitness } from '../../../ledger-adapter/index.js';
import { sqliteCheckpointWitness } from '../../storage/sqlite-checkpoint-witness.js';
import { applySqliteMigrations } from '../../storage/sqlite-migrations.js';
import { REGISTRY_MIGRATIONS } from './registry-migrations.js';
import { sqliteCreditEvents } from './sqlite-credit-events.js';
import { sqliteEnterprises, toEnterprise } from './sqlite-enterprises.js';

type Row = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : String(v));
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : str(v));

/** Options of {@link openSqliteRegistryStore}. */
export interface SqliteRegistryStoreOptions {
  /** The database file, or `:memory:`. */
  readonly path: string;
  /** Time source, for tests. */
  readonly now?: () => Date;
}

/**
 * The registry in one SQLite file (WAL). Migrations run on open. Writes are one transaction each,
 * their log entry included; the log and the credit history refuse updates and deletes by trigger.
 */
export function openSqliteRegistryStore(
  options: SqliteRegistryStoreOptions,
): RegistryStore & CheckpointWitness {
  prepareOwnerOnlyDatabase(options.path);
  const db = new Database(options.path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  applySqliteMigrations(db, REGISTRY_MIGRATIONS);
  const now = (): string => (options.now ?? (() => new Date()))().toISOString();
  const appendLog = db.prepare(
    'INSERT INTO registry_log (at, actor, action, subject, details) VALUES (?, ?, ?, ?, ?)',
  );
  const log = (entry: LogInput, at: string): void =>
    void appendLog.run(at, entry.actor, entry.action, entry.subject, JSON.stringify(entry.details));
  const systemRow = db.prepare('SELECT * FROM systems WHERE code = ?');
  const getSystem = (code: string): BusinessSystem | undefined =>
    toSystem(systemRow.get(code) as Row | undefined);
  const enterpriseRow = db.prepare('SELECT * FROM enterprises WHERE credit_code = ?');
  const identifierRow = db.prepare('SELECT * FROM identifiers WHERE identifier = ?');
  // Read on every authenticated request.
  const principalRow = db.prepare('SELECT * FROM principals WHERE key_id = ?');
  const holdingRows = db.prepare(
    'SELECT system_code, local_code FROM holdings WHERE identifier = ? ORDER BY system_code',
  );
  const getIdentifier = (identifier: string): IdentifierRecord | undefined => {
    const row = identifierRow.get(identifier) as Row | undefined;
    return row ? toIdentifier(row, holdingRows.all(identifier) as Row[]) : undefined;
  };

  const insertIdentifier = db.prepare(
    `INSERT INTO identifiers (identifier, issuer_code, kind, status, created_at) VALUES (?, ?, ?, 'ACTIVE', ?) ON CONFLICT (identifier) DO NOTHING`,
  );
  const insertHolding = db.prepare(
    'INSERT INTO holdings (identifier, system_code, local_code, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (identifier, system_code) DO NOTHING',
  );
  const holdingOf = db.prepare(
    'SELECT local_code FROM holdings WHERE identifier = ? AND system_code = ?',
  );
  const identifierBrief = db.prepare(
    'SELECT issuer_code, status, kind FROM identifiers WHERE identifier = ?',
  );
  const localCodeOwner = db.prepare(
    'SELECT identifier FROM holdings WHERE system_code = ? AND local_code = ?',
  );

  /** Records one holding; returns whether it was new. Throws StoreConflict on a clash. */
  const hold = (
    identifier: string,
    systemCode: string,
    localCode: string,
    row: number,
    at: string,
  ): boolean => {
    const existing = holdingOf.get(identifier, systemCode) as Row | undefined;
    if (existing) {
      if (str(existing['local_code']) === localCode) return false;
      throw new StoreConflict(
        'DUPLICATE_IDENTIFIER',
        `row ${row}: ${identifier} is already held by ${systemCode} under local code ${str(existing['local_code'])}`,
        { row, identifier },
      );
    }
    const owner = localCodeOwner.get(systemCode, localCode) as Row | undefined;
    if (owner)
      throw new StoreConflict(
        'DUPLICATE_IDENTIFIER',
        `row ${row}: local code ${localCode} of ${systemCode} already names ${str(owner['identifier'])}`,
        { row, identifier },
      );
    insertHolding.run(identifier, systemCode, localCode, at);
    return true;
  };

  const registerOwn = db.transaction(
    (
      systemCode: string,
      devices: readonly { identifier: string; localCode: string; kind: DeviceKind }[],
      entry: LogInput,
    ) => {
      const at = now();
      let registered = 0;
      devices.forEach((d, i) => {
        const created = insertIdentifier.run(d.identifier, systemCode, d.kind, at).changes === 1;
        if (!created) {
          const brief = identifierBrief.get(d.identifier) as Row;
          if (str(brief['issuer_code']) !== systemCode)
            throw new StoreConflict(
              'DUPLICATE_IDENTIFIER',
              `row ${i + 1}: ${d.identifier} is already registered by ${str(brief['issuer_code'])}`,
              { row: i + 1, identifier: d.identifier },
            );
          if (str(brief['kind']) !== d.kind)
            throw new StoreConflict(
              'DEVICE_KIND_CONFLICT',
              `row ${i + 1}: ${d.identifier} is registered as ${str(brief['kind'])}, not ${d.kind}`,
              { row: i + 1, identifier: d.identifier },
            );
        }
        if (hold(d.identifier, systemCode, d.localCode, i + 1, at)) registered++;
      });
      if (registered > 0) log({ ...entry, details: { ...entry.details, registered } }, at);
      return {
        registered,
        unchanged: devices.length - registered,
        identifiers: devices.map((d) => d.identifier),
      };
    },
  );

  const claim = db.transaction(
    (
      systemCode: string,
      claims: readonly { identifier: string; localCode: string }[],
      entry: LogInput,
    ) => {
      const at = now();
      let registered = 0;
      claims.forEach((c, i) => {
        const brief = identifierBrief.get(c.identifier) as Row | undefined;
        if (!brief || str(brief['status']) === 'REVOKED')
          throw new StoreConflict(
            'UNKNOWN_IDENTIFIER',
            `row ${i + 1}: ${c.identifier} is not a registered identifier`,
            { row: i + 1, identifier: c.identifier },
          );
        if (hold(c.identifier, systemCode, c.localCode, i + 1, at)) registered++;
      });
      if (registered > 0) log({ ...entry, details: { ...entry.details, registered } }, at);
      return {
        registered,
        unchanged: claims.length - registered,
        identifiers: claims.map((c) => c.identifier),
      };
    },
  );

  const applicationKeyRows = db.prepare(
    "SELECT key_id, label, created_at, revoked_at FROM principals WHERE app_id = ? AND role = 'APPLICATION' ORDER BY created_at, key_id",
  );
  const applicationKeyRow = db.prepare(
    "SELECT key_id, label, created_at, revoked_at FROM principals WHERE app_id = ? AND key_id = ? AND role = 'APPLICATION'",
  );
  const revokeApplicationKey = db.transaction(
    (appId: string, keyId: string, entry: LogInput): ApplicationKeyRecord => {
      const row = applicationKeyRow.get(appId, keyId) as Row | undefined;
      if (!row)
        throw new StoreConflict('NOT_FOUND', `application ${appId} has no API key ${keyId}`, {
          keyId,
        });
      if (row['revoked_at'] !== null) return toApplicationKey(row);
      const at = now();
      db.prepare('UPDATE principals SET revoked_at = ? WHERE key_id = ?').run(at, keyId);
      log(entry, at);
      return toApplicationKey(applicationKeyRow.get(appId, keyId) as Row);
    },
  );

  /** Runs a batch write as a check: every statement and conflict as for real, then rolled back. */
  const dryRun = <A extends unknown[], R>(write: (...args: A) => R, ...args: A): R => {
    let result: R | undefined;
    const rollback = new Error('dry run');
    try {
      db.transaction(() => {
        result = write(...args);
        throw rollback;
      })();
    } catch (error) {
      if (error !== rollback) throw error;
    }
    return result as R;
  };

  const createSystem = db.transaction((input: Parameters<RegistryStore['createSystem']>[0]) => {
    const at = now();
    const enterprise = toEnterprise(enterpriseRow.get(input.creditCode) as Row | undefined);
    if (enterprise?.status !== 'APPROVED')
      throw new StoreConflict(
        'ENTERPRISE_NOT_APPROVED',
        `enterprise ${input.creditCode} is ${enterprise ? enterprise.status.toLowerCase() : 'not onboarded'}; only an approved enterprise registers business systems.`,
        { creditCode: input.creditCode },
      );
    const seq = Number(
      (db.prepare('SELECT coalesce(max(seq), 0) + 1 AS seq FROM systems').get() as Row)['seq'],
    );
    const code = `${input.authorityPrefix}.${seq}`;
    db.prepare(
      `INSERT INTO systems (code, seq, enterprise_credit_code, name, subgraph_name, description, url, sdl, coding_rule, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'ACTIVE', ?, ?)`,
    ).run(
      code,
      seq,
      input.creditCode,
      input.name,
      input.subgraphName,
      input.description,
      input.url,
      input.sdl,
      input.codingRule,
      at,
      at,
    );
    db.prepare(
      'INSERT INTO principals (key_id, role, system_code, label, secret_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(
      input.key.keyId,
      'ENTERPRISE_USER',
      code,
      `${input.name} operator`,
      input.key.secretHash,
      at,
    );
    log({ ...input.log, subject: code }, at);
    return getSystem(code) as BusinessSystem;
  });

  const upsertFields = db.transaction(
    (
      systemCode: string,
      fields: readonly { name: string; feeFen: number | null; changePolicy?: string }[],
      entry: LogInput,
    ) => {
      const at = now();
      for (const field of fields) {
        const owner = db
          .prepare('SELECT system_code FROM fields WHERE name = ?')
          .get(field.name) as Row | undefined;
        if (owner && str(owner['system_code']) !== systemCode)
          throw new StoreConflict(
            'FIELD_CONFLICT',
            `Device.${field.name} is already registered by ${str(owner['system_code'])}`,
            { field: field.name },
          );
        if (owner) {
          db.prepare(
            'UPDATE fields SET fee_fen = ?, change_policy = coalesce(?, change_policy), updated_at = ? WHERE name = ?',
          ).run(field.feeFen, field.changePolicy ?? null, at, field.name);
          continue;
        }
        const seq = Number(
          (
            db
              .prepare('SELECT coalesce(max(seq), 0) + 1 AS seq FROM fields WHERE system_code = ?')
              .get(systemCode) as Row
          )['seq'],
        );
        db.prepare(
          'INSERT INTO fields (code, system_code, seq, name, fee_fen, change_policy, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        ).run(
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
      log(entry, at);
      return (
        db
          .prepare('SELECT * FROM fields WHERE system_code = ? ORDER BY seq')
          .all(systemCode) as Row[]
      ).map(toField);
    },
  );

  const updateSystem = db.transaction(
    (code: string, change: { status?: string; url?: string; sdl?: string }, entry: LogInput) => {
      const at = now();
      const result = db
        .prepare(
          'UPDATE systems SET status = coalesce(?, status), url = coalesce(?, url), sdl = coalesce(?, sdl), updated_at = ? WHERE code = ?',
        )
        .run(change.status ?? null, change.url ?? null, change.sdl ?? null, at, code);
      if (result.changes === 0) throw new StoreConflict('NOT_FOUND', `no business system ${code}`);
      log(entry, at);
      return getSystem(code) as BusinessSystem;
    },
  );

  const associationRows = db.prepare(`
    SELECT i.identifier, h.system_code, s.subgraph_name, h.local_code,
           (SELECT json_group_array(code) FROM (SELECT code FROM fields WHERE system_code = h.system_code ORDER BY seq)) AS field_codes
    FROM json_each(?) AS j
    JOIN identifiers AS i ON i.identifier = j.value AND i.status = 'ACTIVE'
    JOIN holdings AS h ON h.identifier = i.identifier
    JOIN systems AS s ON s.code = h.system_code AND s.status = 'ACTIVE'
    ORDER BY i.identifier, h.system_code`);
  const directoryRows = db.prepare(`
    SELECT i.identifier, i.kind,
           (SELECT json_group_array(subgraph_name) FROM (SELECT s.subgraph_name FROM holdings h JOIN systems s ON s.code = h.system_code AND s.status = 'ACTIVE' WHERE h.identifier = i.identifier ORDER BY s.subgraph_name)) AS held_by
    FROM json_each(?) AS j JOIN identifiers AS i ON i.identifier = j.value AND i.status = 'ACTIVE'`);

  return {
    // The registry also keeps the ledger's signed checkpoints (migration 8).
    ...sqliteCheckpointWitness(db, `registry ${options.path}`, now),
    getEnterprise: async (creditCode) =>
      Promise.resolve(toEnterprise(enterpriseRow.get(creditCode) as Row | undefined)),
    createSystem: async (input) => Promise.resolve(createSystem(input)),
    getSystem: async (code) => Promise.resolve(getSystem(code)),
    listSystems: async (status) =>
      Promise.resolve(
        (
          db
            .prepare(`SELECT * FROM systems ${status ? 'WHERE status = ?' : ''} ORDER BY seq`)
            .all(...(status ? [status] : [])) as Row[]
        ).map((r) => toSystem(r) as BusinessSystem),
      ),
    systemSdls: async (status) =>
      Promise.resolve(
        (
          db
            .prepare(
              'SELECT code, subgraph_name, url, sdl FROM systems WHERE status = ? ORDER BY seq',
            )
            .all(status) as Row[]
        ).map((r) => ({
          code: str(r['code']),
          subgraphName: str(r['subgraph_name']),
          url: str(r['url']),
          sdl: str(r['sdl']),
        })),
      ),
    updateSystem: async (code, change, entry) => Promise.resolve(updateSystem(code, change, entry)),
    ...sqliteCreditEvents({
      db,
      now,
      log,
      getSystem,
      getEnterprise: (creditCode) => toEnterprise(enterpriseRow.get(creditCode) as Row | undefined),
    }),
    ...sqliteEnterprises({ db, now, log }),
    createPrincipal: async (p, entry) => {
      db.transaction(() => {
        const at = now();
        db.prepare(
          'INSERT INTO principals (key_id, role, system_code, app_id, credit_code, label, secret_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        ).run(p.keyId, p.role, p.systemCode, p.appId, p.creditCode, p.label, p.secretHash, at);
        log(entry, at);
      })();
      return Promise.resolve();
    },
    findPrincipal: async (keyId) => {
      const row = principalRow.get(keyId) as Row | undefined;
      return Promise.resolve(
        row
          ? ({
              keyId: str(row['key_id']),
              role: str(row['role']) as Role,
              systemCode: strOrNull(row['system_code']),
              appId: strOrNull(row['app_id']),
              creditCode: strOrNull(row['credit_code']),
              label: str(row['label']),
              secretHash: str(row['secret_hash']),
              revoked: row['revoked_at'] !== null,
            } satisfies StoredPrincipal)
          : undefined,
      );
    },
    revokePrincipals: async (filter, entry) =>
      Promise.resolve(
        db.transaction(() => {
          const at = now();
          const count = db
            .prepare(
              'UPDATE principals SET revoked_at = ? WHERE label = ? AND role = ? AND revoked_at IS NULL',
            )
            .run(at, filter.label, filter.role).changes;
          if (count > 0) log({ ...entry, details: { ...entry.details, revoked: count } }, at);
          return count;
        })(),
      ),
    createApplication: async (input) =>
      Promise.resolve(
        db.transaction(() => {
          if (db.prepare('SELECT 1 FROM applications WHERE name = ?').get(input.name))
            throw new StoreConflict(
              'ALREADY_REGISTERED',
              `an application named "${input.name}" is already registered.`,
            );
          const at = now();
          const seq = Number(
            (db.prepare('SELECT coalesce(max(seq), 0) + 1 AS seq FROM applications').get() as Row)[
              'seq'
            ],
          );
          const appId = `APP-${String(seq).padStart(4, '0')}`;
          db.prepare(
            'INSERT INTO applications (app_id, seq, name, roles, created_at) VALUES (?, ?, ?, ?, ?)',
          ).run(appId, seq, input.name, JSON.stringify(input.roles), at);
          db.prepare(
            'INSERT INTO principals (key_id, role, system_code, app_id, label, secret_hash, created_at) VALUES (?, ?, NULL, ?, ?, ?, ?)',
          ).run(
            input.key.keyId,
            'APPLICATION',
            appId,
            `${input.name} application`,
            input.key.secretHash,
            at,
          );
          log({ ...input.log, subject: appId }, at);
          return toApplication(
            db.prepare('SELECT * FROM applications WHERE app_id = ?').get(appId) as Row,
          ) as Application;
        })(),
      ),
    findApplication: async (name) =>
      Promise.resolve(
        toApplication(
          db.prepare('SELECT * FROM applications WHERE name = ?').get(name) as Row | undefined,
        ),
      ),
    getApplication: async (appId) =>
      Promise.resolve(
        toApplication(
          db.prepare('SELECT * FROM applications WHERE app_id = ?').get(appId) as Row | undefined,
        ),
      ),
    listApplicationKeys: async (appId) =>
      Promise.resolve((applicationKeyRows.all(appId) as Row[]).map(toApplicationKey)),
    revokeApplicationKey: async (appId, keyId, entry) =>
      Promise.resolve(revokeApplicationKey(appId, keyId, entry)),
    upsertFields: async (systemCode, fields, entry) =>
      Promise.resolve(upsertFields(systemCode, fields, entry)),
    listFields: async (systemCode) =>
      Promise.resolve(
        (
          db
            .prepare(
              `SELECT * FROM fields ${systemCode ? 'WHERE system_code = ?' : ''} ORDER BY system_code, seq`,
            )
            .all(...(systemCode ? [systemCode] : [])) as Row[]
        ).map(toField),
      ),
    fieldOwner: async (name) =>
      Promise.resolve(
        strOrNull(
          (
            db.prepare('SELECT system_code FROM fields WHERE name = ?').get(name) as Row | undefined
          )?.['system_code'],
        ) ?? undefined,
      ),
    registerOwnDevices: async (systemCode, devices, entry, batch) =>
      Promise.resolve(
        batch?.dryRun
          ? dryRun(registerOwn, systemCode, devices, entry)
          : registerOwn(systemCode, devices, entry),
      ),
    claimDevices: async (systemCode, claims, entry, batch) =>
      Promise.resolve(
        batch?.dryRun ? dryRun(claim, systemCode, claims, entry) : claim(systemCode, claims, entry),
      ),
    getIdentifier: async (identifier) => Promise.resolve(getIdentifier(identifier)),
    setIdentifierStatus: async (identifier, status, entry) =>
      Promise.resolve(
        db.transaction(() => {
          if (
            db
              .prepare('UPDATE identifiers SET status = ? WHERE identifier = ?')
              .run(status, identifier).changes === 0
          )
            throw new StoreConflict(
              'UNKNOWN_IDENTIFIER',
              `${identifier} is not a registered identifier`,
            );
          log(entry, now());
          return getIdentifier(identifier) as IdentifierRecord;
        })(),
      ),
    auditIdentifier: async (identifier, audit, entry) =>
      Promise.resolve(
        db.transaction(() => {
          const at = now();
          if (
            db
              .prepare(
                'UPDATE identifiers SET audit_status = ?, audited_by = ?, audited_at = ?, audit_note = ? WHERE identifier = ?',
              )
              .run(audit.status, audit.by, at, audit.note, identifier).changes === 0
          )
            throw new StoreConflict(
              'UNKNOWN_IDENTIFIER',
              `${identifier} is not a registered identifier`,
            );
          log(entry, at);
          return getIdentifier(identifier) as IdentifierRecord;
        })(),
      ),
    associations: async (deviceIds) => {
      const found = new Map<string, AssociationEntry>();
      for (const row of associationRows.all(JSON.stringify(deviceIds)) as Row[]) {
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
      return Promise.resolve(found);
    },
    directoryEntries: async (deviceIds) => {
      const rows = directoryRows.all(JSON.stringify(deviceIds)) as Row[];
      return Promise.resolve(
        new Map(
          rows.map((r) => [
            str(r['identifier']),
            {
              id: str(r['identifier']),
              kind: str(r['kind']) as DeviceKind,
              heldBy: JSON.parse(str(r['held_by'])) as string[],
            } satisfies DirectoryEntry,
          ]),
        ),
      );
    },
    statistics: async () => {
      const count = (sql: string): number => Number((db.prepare(sql).get() as Row)['n']);
      const perSystem = db
        .prepare(
          `
        SELECT s.code, s.name, s.status,
               (SELECT count(*) FROM identifiers WHERE issuer_code = s.code) AS issued,
               (SELECT count(*) FROM holdings WHERE system_code = s.code) AS held,
               (SELECT count(*) FROM fields WHERE system_code = s.code) AS fields
        FROM systems s ORDER BY s.seq`,
        )
        .all() as Row[];
      return Promise.resolve({
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
      });
    },
    outboxBatch: async (limit) =>
      Promise.resolve(
        (
          db
            .prepare('SELECT seq, kind, subject FROM ledger_outbox ORDER BY seq LIMIT ?')
            .all(limit) as Row[]
        ).map((r) => ({
          seq: Number(r['seq']),
          kind: str(r['kind']) as 'fields' | 'catalog',
          subject: str(r['subject']),
        })),
      ),
    outboxDone: async (seq) =>
      Promise.resolve(void db.prepare('DELETE FROM ledger_outbox WHERE seq <= ?').run(seq)),
    appendLog: async (entry) => Promise.resolve(log(entry, now())),
    log: async (after, limit) =>
      Promise.resolve(
        (
          db
            .prepare('SELECT * FROM registry_log WHERE seq > ? ORDER BY seq LIMIT ?')
            .all(after, limit) as Row[]
        ).map((r) => ({
          seq: Number(r['seq']),
          at: str(r['at']),
          actor: str(r['actor']),
          action: str(r['action']),
          subject: str(r['subject']),
          details: JSON.parse(str(r['details'])) as Record<string, unknown>,
        })),
      ),
    close: async () => {
      db.close();
      return Promise.resolve();
    },
  };
}

function toApplicationKey(row: Row): ApplicationKeyRecord {
  return {
    keyId: str(row['key_id']),
    label: str(row['label']),
    createdAt: str(row['created_at']),
    revokedAt: strOrNull(row['revoked_at']),
  };
}

function toApplication(row: Row | undefined): Application | undefined {
  return row
    ? {
        appId: str(row['app_id']),
        name: str(row['name']),
        roles: JSON.parse(str(row['roles'])) as string[],
        createdAt: str(row['created_at']),
      }
    : undefined;
}

function toSystem(row: Row | undefined): BusinessSystem | undefined {
  if (!row) return undefined;
  return {
    code: str(row['code']),
    enterpriseCreditCode: str(row['enterprise_credit_code']),
    name: str(row['name']),
    subgraphName: str(row['subgraph_name']),
    description: str(row['description']),
    url: str(row['url']),
    codingRule: str(row['coding_rule']),
    status: str(row['status']) as BusinessSystem['status'],
    createdAt: str(row['created_at']),
    updatedAt: str(row['updated_at']),
  };
}

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
