import { GridmarkError } from '../../../schema/index.js';
import type { RegistryStore } from '../registry-store.js';
import type { Caller, RegisteredField } from '../registry-types.js';
import {
  badInput,
  deviceFieldsOf,
  requireChangePolicy,
  requireFee,
  requireFieldName,
  requireSchemaPolicy,
} from '../registry-validation.js';
import { logEntry } from './log-entries.js';
import type { RegistryLedger } from './registry-ledger.js';
import { translateStoreError } from './store-refusals.js';
import type { SubgraphAdmission } from './subgraph-admission.js';
import type { SystemLookup } from './system-lookup.js';

/** A shareable field as a system registers it. */
export interface FieldInput {
  readonly name: string;
  readonly feeFen?: number | null;
  readonly changePolicy?: RegisteredField['changePolicy'] | null;
}

/** A field checked and ready for the store. */
type ParsedField = ReturnType<typeof parseField>;

/**
 * A system's shareable fields: each must be a `Device` field its subgraph serves now and no other
 * system registered. Registration changes the fields' evidence on the ledger and what the
 * supergraph asks the system for.
 */
export class FieldRegistration {
  readonly #store: RegistryStore;
  readonly #systems: SystemLookup;
  readonly #admission: SubgraphAdmission;
  readonly #ledger: RegistryLedger;
  readonly #systemsChanged: () => void;

  constructor(options: {
    readonly store: RegistryStore;
    readonly systems: SystemLookup;
    readonly admission: SubgraphAdmission;
    readonly ledger: RegistryLedger;
    readonly systemsChanged: () => void;
  }) {
    this.#store = options.store;
    this.#systems = options.systems;
    this.#admission = options.admission;
    this.#ledger = options.ledger;
    this.#systemsChanged = options.systemsChanged;
  }

  /**
   * Registers (or re-prices) the system's fields with their change policies.
   * @throws GridmarkError `BAD_INPUT`, `FIELD_NOT_SERVED`, `FIELD_CONFLICT`, `SYSTEM_UNREACHABLE`;
   * SchemaPolicyViolationError.
   */
  async register(
    caller: Caller,
    systemCode: string,
    fields: readonly FieldInput[],
  ): Promise<readonly RegisteredField[]> {
    await this.#systems.requireActor(caller, systemCode, 'register fields');
    const system = await this.#systems.activeSystem(systemCode);
    if (fields.length === 0) badInput('register at least one field.');
    const parsed = fields.map(parseField);
    if (new Set(parsed.map((f) => f.name)).size !== parsed.length)
      badInput('a field is listed twice.');
    const sdl = await this.#admission.readSchema(system.subgraphName, system.url);
    await requireSchemaPolicy(this.#store, { name: system.subgraphName, sdl });
    await this.#requireServedAndFree(systemCode, sdl, parsed);
    const result = await this.#store
      .upsertFields(
        systemCode,
        parsed,
        logEntry(caller, 'fields.register', systemCode, { fields: parsed }),
      )
      .catch(translateStoreError);
    this.#ledger.poke();
    this.#systemsChanged();
    return result;
  }

  /** @throws GridmarkError `FIELD_NOT_SERVED`, `FIELD_CONFLICT` (another system's field). */
  async #requireServedAndFree(
    systemCode: string,
    sdl: string,
    fields: readonly ParsedField[],
  ): Promise<void> {
    const served = deviceFieldsOf(sdl);
    for (const field of fields) {
      if (!served.has(field.name))
        throw new GridmarkError(
          'FIELD_NOT_SERVED',
          `the subgraph of ${systemCode} does not serve Device.${field.name}.`,
          { details: { field: field.name } },
        );
      const owner = await this.#store.fieldOwner(field.name);
      if (owner !== undefined && owner !== systemCode)
        throw new GridmarkError(
          'FIELD_CONFLICT',
          `Device.${field.name} is registered by ${owner}.`,
          {
            details: { field: field.name, systemCode: owner },
          },
        );
    }
  }
}

/** @throws GridmarkError `BAD_INPUT` for a bad name, fee or change policy. */
function parseField(field: FieldInput) {
  return {
    name: requireFieldName(field.name),
    feeFen: requireFee(field.feeFen, field.name),
    changePolicy: requireChangePolicy(field.changePolicy, field.name),
  };
}
