import Database from 'better-sqlite3';
import type { LogInput, RegistryStore } from '../registry-store.js';
import { prepareOwnerOnlyDatabase } from '../../../schema/index.js';
import type { CheckpointWitness } from '../../../ledger-adapter/index.js';
import { applySqliteMigrations, sqliteCheckpointWitness } from '../../storage/index.js';
import { REGISTRY_MIGRATIONS } from './registry-migrations.js';
import { SqliteApplications } from './sqlite-applications.js';
import { SqliteCatalog } from './sqlite-catalog.js';
import { SqliteChangeLog, SqliteLedgerOutbox } from './sqlite-change-log.js';
import { SqliteCreditEvents } from './sqlite-credit-events.js';
import { SqliteDeviceBatches } from './sqlite-device-batches.js';
import { SqliteEnterprises } from './sqlite-enterprises.js';
import { SqliteFields } from './sqlite-fields.js';
import { SqliteIdentifiers } from './sqlite-identifiers.js';
import { SqlitePrincipals } from './sqlite-principals.js';
import { SqliteSelfService } from './sqlite-self-service.js';
import type { SqliteStoreContext } from './sqlite-rows.js';
import { SqliteSystems } from './sqlite-systems.js';

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
  return new SqliteRegistryStore(options);
}

/**
 * The SQLite registry store: each part of the registry (enterprises, systems, credit, keys,
 * applications, fields, devices, the catalog, the change log and the ledger outbox) is a class of
 * its own over the one database; this class hands each store call to its part. It is also the
 * witness of the ledger's signed checkpoints (migration 8).
 *
 * Its members are bound functions rather than methods: the hot-read cache wraps the store in a
 * Proxy and hands its reads out unbound, and `#fields` are reachable only through the instance.
 */
export class SqliteRegistryStore implements RegistryStore, CheckpointWitness {
  readonly #db: Database.Database;
  readonly #now: () => string;
  readonly #changeLog: SqliteChangeLog;
  readonly #outbox: SqliteLedgerOutbox;
  readonly #enterprises: SqliteEnterprises;
  readonly #systems: SqliteSystems;
  readonly #credit: SqliteCreditEvents;
  readonly #principals: SqlitePrincipals;
  readonly #applications: SqliteApplications;
  readonly #fields: SqliteFields;
  readonly #identifiers: SqliteIdentifiers;
  readonly #devices: SqliteDeviceBatches;
  readonly #catalog: SqliteCatalog;
  readonly #witness: CheckpointWitness;
  readonly #selfService: SqliteSelfService;
  readonly witnessName: string;

  constructor(options: SqliteRegistryStoreOptions) {
    const db = openRegistryDatabase(options.path);
    const now = (): string => (options.now ?? (() => new Date()))().toISOString();
    const changeLog = new SqliteChangeLog(db);
    const context: SqliteStoreContext = {
      db,
      now,
      log: (entry: LogInput, at: string) => changeLog.append(entry, at),
    };
    this.#db = db;
    this.#now = now;
    this.#changeLog = changeLog;
    this.#outbox = new SqliteLedgerOutbox(db);
    this.#enterprises = new SqliteEnterprises(context);
    this.#systems = new SqliteSystems(context, (code) => this.#enterprises.get(code));
    this.#credit = new SqliteCreditEvents(context, {
      getEnterprise: (code) => this.#enterprises.get(code),
      getSystem: (code) => this.#systems.get(code),
    });
    this.#principals = new SqlitePrincipals(context);
    this.#applications = new SqliteApplications(context);
    this.#fields = new SqliteFields(context);
    this.#identifiers = new SqliteIdentifiers(context);
    this.#devices = new SqliteDeviceBatches(context);
    this.#catalog = new SqliteCatalog(db);
    this.#selfService = new SqliteSelfService(db);
    this.#witness = sqliteCheckpointWitness(db, `registry ${options.path}`, now);
    this.witnessName = this.#witness.witnessName;
  }

  // Enterprises
  readonly getEnterprise: RegistryStore['getEnterprise'] = async (creditCode) =>
    Promise.resolve(this.#enterprises.get(creditCode));
  readonly listEnterprises: RegistryStore['listEnterprises'] = async (status) =>
    Promise.resolve(this.#enterprises.list(status));
  readonly applyEnterprise: RegistryStore['applyEnterprise'] = async (input) =>
    Promise.resolve(this.#enterprises.apply(input));
  readonly createEnterprise: RegistryStore['createEnterprise'] = async (input) =>
    Promise.resolve(this.#enterprises.create(input));
  readonly reviewEnterprise: RegistryStore['reviewEnterprise'] = async (code, decision, entry) =>
    Promise.resolve(this.#enterprises.review(code, decision, entry));

  // Systems
  readonly createSystem: RegistryStore['createSystem'] = async (input) =>
    Promise.resolve(this.#systems.create(input));
  readonly getSystem: RegistryStore['getSystem'] = async (code) =>
    Promise.resolve(this.#systems.get(code));
  readonly listSystems: RegistryStore['listSystems'] = async (status) =>
    Promise.resolve(this.#systems.list(status));
  readonly systemSdls: RegistryStore['systemSdls'] = async (status) =>
    Promise.resolve(this.#systems.sdls(status));
  readonly updateSystem: RegistryStore['updateSystem'] = async (code, change, entry) =>
    Promise.resolve(this.#systems.update(code, change, entry));

  // Credit
  readonly recordCreditEvent: RegistryStore['recordCreditEvent'] = async (input) =>
    Promise.resolve(this.#credit.record(input));
  readonly creditHistory: RegistryStore['creditHistory'] = async (filter) =>
    Promise.resolve(this.#credit.history(filter));

  // Principals
  readonly createPrincipal: RegistryStore['createPrincipal'] = async (principal, entry) =>
    Promise.resolve(this.#principals.create(principal, entry));
  readonly findPrincipal: RegistryStore['findPrincipal'] = async (keyId) =>
    Promise.resolve(this.#principals.find(keyId));
  readonly revokePrincipals: RegistryStore['revokePrincipals'] = async (filter, entry) =>
    Promise.resolve(this.#principals.revoke(filter, entry));

  // Applications
  readonly createApplication: RegistryStore['createApplication'] = async (input) =>
    Promise.resolve(this.#applications.create(input));
  readonly getApplication: RegistryStore['getApplication'] = async (appId) =>
    Promise.resolve(this.#applications.get(appId));
  readonly findApplication: RegistryStore['findApplication'] = async (name) =>
    Promise.resolve(this.#applications.find(name));
  readonly listApplicationKeys: RegistryStore['listApplicationKeys'] = async (appId) =>
    Promise.resolve(this.#applications.keys(appId));
  readonly revokeApplicationKey: RegistryStore['revokeApplicationKey'] = async (
    appId,
    keyId,
    entry,
  ) => Promise.resolve(this.#applications.revokeKey(appId, keyId, entry));

  // Fields
  readonly upsertFields: RegistryStore['upsertFields'] = async (systemCode, fields, entry) =>
    Promise.resolve(this.#fields.upsert(systemCode, fields, entry));
  readonly listFields: RegistryStore['listFields'] = async (systemCode) =>
    Promise.resolve(this.#fields.list(systemCode));
  readonly fieldOwner: RegistryStore['fieldOwner'] = async (name) =>
    Promise.resolve(this.#fields.owner(name));

  // Identifiers
  readonly registerOwnDevices: RegistryStore['registerOwnDevices'] = async (
    systemCode,
    devices,
    entry,
    options,
  ) => Promise.resolve(this.#devices.registerOwn(systemCode, devices, entry, options));
  readonly claimDevices: RegistryStore['claimDevices'] = async (
    systemCode,
    claims,
    entry,
    options,
  ) => Promise.resolve(this.#devices.claim(systemCode, claims, entry, options));
  readonly getIdentifier: RegistryStore['getIdentifier'] = async (identifier) =>
    Promise.resolve(this.#identifiers.get(identifier));
  readonly setIdentifierStatus: RegistryStore['setIdentifierStatus'] = async (
    identifier,
    status,
    entry,
  ) => Promise.resolve(this.#identifiers.setStatus(identifier, status, entry));
  readonly auditIdentifier: RegistryStore['auditIdentifier'] = async (identifier, audit, entry) =>
    Promise.resolve(this.#identifiers.audit(identifier, audit, entry));

  // Catalog and reads
  readonly associations: RegistryStore['associations'] = async (deviceIds) =>
    Promise.resolve(this.#catalog.associations(deviceIds));
  readonly directoryEntries: RegistryStore['directoryEntries'] = async (deviceIds) =>
    Promise.resolve(this.#catalog.directoryEntries(deviceIds));
  readonly statistics: RegistryStore['statistics'] = async () =>
    Promise.resolve(this.#catalog.statistics());

  // Ledger outbox and change log
  readonly outboxBatch: RegistryStore['outboxBatch'] = async (limit) =>
    Promise.resolve(this.#outbox.batch(limit));
  readonly outboxDone: RegistryStore['outboxDone'] = async (seq) =>
    Promise.resolve(this.#outbox.done(seq));
  readonly log: RegistryStore['log'] = async (after, limit) =>
    Promise.resolve(this.#changeLog.read(after, limit));
  readonly appendLog: RegistryStore['appendLog'] = async (entry) =>
    Promise.resolve(this.#changeLog.append(entry, this.#now()));
  readonly close: RegistryStore['close'] = async () => {
    this.#db.close();
    return Promise.resolve();
  };

  // A system's own view of itself
  readonly systemHoldings: RegistryStore['systemHoldings'] = async (systemCode, after, limit) =>
    Promise.resolve(this.#selfService.holdings(systemCode, after, limit));
  readonly systemPendingEvidence: RegistryStore['systemPendingEvidence'] = async (systemCode) =>
    Promise.resolve(this.#selfService.pending(systemCode));

  // Checkpoint witness
  readonly isOpen = (): boolean => this.#db.open;
  readonly recordCheckpoint: CheckpointWitness['recordCheckpoint'] = (checkpoint) =>
    this.#witness.recordCheckpoint(checkpoint);
  readonly latestCheckpoint: CheckpointWitness['latestCheckpoint'] = () =>
    this.#witness.latestCheckpoint();
}

/** Opens the registry's database file, readable by its owner only, and brings its schema up to date. */
function openRegistryDatabase(path: string): Database.Database {
  prepareOwnerOnlyDatabase(path);
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  applySqliteMigrations(db, REGISTRY_MIGRATIONS);
  return db;
}
