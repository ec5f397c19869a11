import { GridmarkError, parseIdentifier } from '../../../schema/index.js';
import type { DeviceKind } from '../../catalog/index.js';
import { applyCodingRule } from '../coding-rule.js';
import type { DeviceBatchOptions, RegistryStore } from '../registry-store.js';
import type {
  BusinessSystem,
  Caller,
  ClaimInput,
  DeviceBatchResult,
  OwnDeviceInput,
} from '../registry-types.js';
import { badInput, requireKind, requireLocalCode } from '../registry-validation.js';
import { logEntry } from './log-entries.js';
import type { RegistryLedger } from './registry-ledger.js';
import { translateStoreError } from './store-refusals.js';
import type { SystemLookup } from './system-lookup.js';

/** A device row ready for the store: its identifier under the system's prefix. */
interface OwnDeviceRow {
  readonly identifier: string;
  readonly localCode: string;
  readonly kind: DeviceKind;
}

/**
 * Device batches of active systems, all or nothing: a system's own devices, identified under its
 * prefix by its coding rule, and its claims on devices other systems identified. Each batch that
 * is written asks the ledger evidence to follow.
 */
export class DeviceRegistration {
  readonly #store: RegistryStore;
  readonly #systems: SystemLookup;
  readonly #ledger: RegistryLedger;
  readonly #maxBatch: number;

  constructor(options: {
    readonly store: RegistryStore;
    readonly systems: SystemLookup;
    readonly ledger: RegistryLedger;
    readonly maxBatch: number;
  }) {
    this.#store = options.store;
    this.#systems = options.systems;
    this.#ledger = options.ledger;
    this.#maxBatch = options.maxBatch;
  }

  /** @throws GridmarkError `BAD_DEVICE_ROW`, `DUPLICATE_IDENTIFIER`, `DEVICE_KIND_CONFLICT`, `LIMIT_EXCEEDED`. */
  async registerOwn(
    caller: Caller,
    systemCode: string,
    devices: readonly OwnDeviceInput[],
    batch: DeviceBatchOptions,
  ): Promise<DeviceBatchResult> {
    await this.#systems.requireActor(caller, systemCode, 'register devices');
    const system = await this.#systems.activeSystem(systemCode);
    this.#checkBatch(devices);
    const rows = ownDeviceRows(system, devices);
    const result = await this.#store
      .registerOwnDevices(
        systemCode,
        rows,
        logEntry(caller, 'devices.register', systemCode, {
          first: rows[0]?.identifier,
          last: rows.at(-1)?.identifier,
        }),
        { dryRun: batch.dryRun === true },
      )
      .catch(translateStoreError);
    if (!batch.dryRun) this.#ledger.poke();
    return result;
  }

  /** @throws GridmarkError `BAD_DEVICE_ROW`, `UNKNOWN_PREFIX`, `LIMIT_EXCEEDED`, and the store's refusals. */
  async claim(
    caller: Caller,
    systemCode: string,
    claims: readonly ClaimInput[],
    batch: DeviceBatchOptions,
  ): Promise<DeviceBatchResult> {
    await this.#systems.requireActor(caller, systemCode, 'claim devices');
    await this.#systems.activeSystem(systemCode);
    this.#checkBatch(claims);
    const prefixes = new Set((await this.#store.listSystems()).map((s) => s.code));
    const rows = claimRows(claims, prefixes);
    const result = await this.#store
      .claimDevices(
        systemCode,
        rows,
        logEntry(caller, 'devices.claim', systemCode, {
          first: rows[0]?.identifier,
          last: rows.at(-1)?.identifier,
        }),
        { dryRun: batch.dryRun === true },
      )
      .catch(translateStoreError);
    if (!batch.dryRun) this.#ledger.poke();
    return result;
  }

  /** @throws GridmarkError `BAD_INPUT` for an empty batch, `LIMIT_EXCEEDED` for one too large. */
  #checkBatch(rows: readonly unknown[]): void {
    if (rows.length === 0) badInput('the batch is empty.');
    if (rows.length > this.#maxBatch)
      throw new GridmarkError(
        'LIMIT_EXCEEDED',
        `at most ${this.#maxBatch} devices per call; split the file into batches.`,
        { details: { limit: this.#maxBatch } },
      );
  }
}

/**
 * The identifiers the system's coding rule gives its own devices, checked row by row.
 * @throws GridmarkError `BAD_DEVICE_ROW`, `DUPLICATE_IDENTIFIER` (with `details.row`).
 */
function ownDeviceRows(system: BusinessSystem, devices: readonly OwnDeviceInput[]): OwnDeviceRow[] {
  const seen = new Map<string, number>();
  return devices.map((d, i) => {
    const localCode = requireLocalCode(d.localCode, i + 1);
    const kind = requireKind(d.kind, i + 1);
    const suffix = applyCodingRule(system.codingRule, localCode, kind);
    if (suffix === undefined)
      throw new GridmarkError(
        'BAD_DEVICE_ROW',
        `row ${i + 1}: the coding rule ${system.codingRule} gives no valid suffix for ${localCode}.`,
        { details: { row: i + 1 } },
      );
    const identifier = `${system.code}/${suffix}`;
    const first = seen.get(identifier);
    if (first !== undefined)
      throw new GridmarkError(
        'DUPLICATE_IDENTIFIER',
        `row ${i + 1}: ${identifier} repeats row ${first}.`,
        { details: { row: i + 1, identifier } },
      );
    seen.set(identifier, i + 1);
    return { identifier, localCode, kind };
  });
}

/**
 * Claims of identifiers that a known system issued, checked row by row.
 * @throws GridmarkError `BAD_DEVICE_ROW`, `UNKNOWN_PREFIX` (with `details.row`).
 */
function claimRows(claims: readonly ClaimInput[], prefixes: ReadonlySet<string>): ClaimInput[] {
  return claims.map((c, i) => {
    const row = i + 1;
    let prefix: string;
    try {
      prefix = parseIdentifier(String(c.identifier)).prefix;
    } catch (cause) {
      throw new GridmarkError(
        'BAD_DEVICE_ROW',
        `row ${row}: ${String(c.identifier)} is not a valid identifier.`,
        { details: { row }, cause },
      );
    }
    if (!prefixes.has(prefix))
      throw new GridmarkError(
        'UNKNOWN_PREFIX',
        `row ${row}: no business system issues identifiers under ${prefix}.`,
        { details: { row, identifier: c.identifier } },
      );
    return { identifier: c.identifier, localCode: requireLocalCode(c.localCode, row) };
  });
}
