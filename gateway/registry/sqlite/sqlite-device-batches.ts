import type Database from 'better-sqlite3';
import type { DeviceKind } from '../../catalog/index.js';
import { StoreConflict, type DeviceBatchOptions, type LogInput } from '../registry-store.js';
import type { ClaimInput, DeviceBatchResult } from '../registry-types.js';
import { str, type Row, type SqliteStoreContext } from './sqlite-rows.js';

/** A device a system registers as its own. */
export interface OwnDeviceInput {
  readonly identifier: string;
  readonly localCode: string;
  readonly kind: DeviceKind;
}

type Batch<I> = (systemCode: string, items: readonly I[], entry: LogInput) => DeviceBatchResult;

/**
 * The device batches of the SQLite registry store: a system's own devices and its claims on
 * devices others identified, each batch in one transaction, or checked as a dry run.
 */
export class SqliteDeviceBatches {
  readonly #context: SqliteStoreContext;
  readonly #insertIdentifier: Database.Statement;
  readonly #insertHolding: Database.Statement;
  readonly #holdingOf: Database.Statement;
  readonly #identifierBrief: Database.Statement;
  readonly #localCodeOwner: Database.Statement;
  readonly #registerOwn: Batch<OwnDeviceInput>;
  readonly #claim: Batch<ClaimInput>;

  constructor(context: SqliteStoreContext) {
    const { db } = context;
    this.#context = context;
    this.#insertIdentifier = db.prepare(
      `INSERT INTO identifiers (identifier, issuer_code, kind, status, created_at) VALUES (?, ?, ?, 'ACTIVE', ?) ON CONFLICT (identifier) DO NOTHING`,
    );
    this.#insertHolding = db.prepare(
      'INSERT INTO holdings (identifier, system_code, local_code, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (identifier, system_code) DO NOTHING',
    );
    this.#holdingOf = db.prepare(
      'SELECT local_code FROM holdings WHERE identifier = ? AND system_code = ?',
    );
    this.#identifierBrief = db.prepare(
      'SELECT issuer_code, status, kind FROM identifiers WHERE identifier = ?',
    );
    this.#localCodeOwner = db.prepare(
      'SELECT identifier FROM holdings WHERE system_code = ? AND local_code = ?',
    );
    this.#registerOwn = db.transaction<Batch<OwnDeviceInput>>((systemCode, devices, entry) =>
      this.#written(systemCode, devices, entry, (d, row, at) => this.#own(systemCode, d, row, at)),
    );
    this.#claim = db.transaction<Batch<ClaimInput>>((systemCode, claims, entry) =>
      this.#written(systemCode, claims, entry, (c, row, at) =>
        this.#claimOne(systemCode, c, row, at),
      ),
    );
  }

  /** Registers a system's own devices; see `RegistryStore.registerOwnDevices`. */
  registerOwn(
    systemCode: string,
    devices: readonly OwnDeviceInput[],
    entry: LogInput,
    options?: DeviceBatchOptions,
  ): DeviceBatchResult {
    return options?.dryRun
      ? this.#dryRun(this.#registerOwn, systemCode, devices, entry)
      : this.#registerOwn(systemCode, devices, entry);
  }

  /** Records a system's local codes for devices others identified; see `RegistryStore.claimDevices`. */
  claim(
    systemCode: string,
    claims: readonly ClaimInput[],
    entry: LogInput,
    options?: DeviceBatchOptions,
  ): DeviceBatchResult {
    return options?.dryRun
      ? this.#dryRun(this.#claim, systemCode, claims, entry)
      : this.#claim(systemCode, claims, entry);
  }

  /**
   * Writes each item of a batch (`write` says whether it held something new), and logs the batch
   * when it registered anything.
   */
  #written<I extends { readonly identifier: string }>(
    systemCode: string,
    items: readonly I[],
    entry: LogInput,
    write: (item: I, row: number, at: string) => boolean,
  ): DeviceBatchResult {
    const at = this.#context.now();
    let registered = 0;
    items.forEach((item, i) => {
      if (write(item, i + 1, at)) registered++;
    });
    if (registered > 0)
      this.#context.log({ ...entry, details: { ...entry.details, registered } }, at);
    return {
      registered,
      unchanged: items.length - registered,
      identifiers: items.map((item) => item.identifier),
    };
  }

  /** Registers one own device, or finds it registered as it is. */
  #own(systemCode: string, d: OwnDeviceInput, row: number, at: string): boolean {
    const created = this.#insertIdentifier.run(d.identifier, systemCode, d.kind, at).changes === 1;
    if (!created) {
      const brief = this.#identifierBrief.get(d.identifier) as Row;
      if (str(brief['issuer_code']) !== systemCode)
        throw new StoreConflict(
          'DUPLICATE_IDENTIFIER',
          `row ${row}: ${d.identifier} is already registered by ${str(brief['issuer_code'])}`,
          { row, identifier: d.identifier },
        );
      if (str(brief['kind']) !== d.kind)
        throw new StoreConflict(
          'DEVICE_KIND_CONFLICT',
          `row ${row}: ${d.identifier} is registered as ${str(brief['kind'])}, not ${d.kind}`,
          { row, identifier: d.identifier },
        );
    }
    return this.#hold(d.identifier, systemCode, d.localCode, row, at);
  }

  /** Claims one device that is registered and not revoked. */
  #claimOne(systemCode: string, c: ClaimInput, row: number, at: string): boolean {
    const brief = this.#identifierBrief.get(c.identifier) as Row | undefined;
    if (!brief || str(brief['status']) === 'REVOKED')
      throw new StoreConflict(
        'UNKNOWN_IDENTIFIER',
        `row ${row}: ${c.identifier} is not a registered identifier`,
        { row, identifier: c.identifier },
      );
    return this.#hold(c.identifier, systemCode, c.localCode, row, at);
  }

  /** Records one holding; returns whether it was new. Throws StoreConflict on a clash. */
  #hold(
    identifier: string,
    systemCode: string,
    localCode: string,
    row: number,
    at: string,
  ): boolean {
    const existing = this.#holdingOf.get(identifier, systemCode) as Row | undefined;
    if (existing) {
      if (str(existing['local_code']) === localCode) return false;
      throw new StoreConflict(
        'DUPLICATE_IDENTIFIER',
        `row ${row}: ${identifier} is already held by ${systemCode} under local code ${str(existing['local_code'])}`,
        { row, identifier },
      );
    }
    const owner = this.#localCodeOwner.get(systemCode, localCode) as Row | undefined;
    if (owner)
      throw new StoreConflict(
        'DUPLICATE_IDENTIFIER',
        `row ${row}: local code ${localCode} of ${systemCode} already names ${str(owner['identifier'])}`,
        { row, identifier },
      );
    this.#insertHolding.run(identifier, systemCode, localCode, at);
    return true;
  }

  /** Runs a batch write as a check: every statement and conflict as for real, then rolled back. */
  #dryRun<I>(
    write: Batch<I>,
    systemCode: string,
    items: readonly I[],
    entry: LogInput,
  ): DeviceBatchResult {
    let result: DeviceBatchResult | undefined;
    const rollback = new Error('dry run');
    try {
      this.#context.db.transaction(() => {
        result = write(systemCode, items, entry);
        throw rollback;
      })();
    } catch (error) {
      if (error !== rollback) throw error;
    }
    return result as DeviceBatchResult;
  }
}
