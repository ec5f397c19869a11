import { GridmarkError, RESERVED_DEVICE_FIELDS } from '../../schema/index.js';

/** One field a business system shares about its devices. */
export interface ShareableField {
  /** camelCase name; becomes `Device.<name>` in the supergraph and must be unique across it. */
  readonly name: string;
  /** GraphQL output type reference: `Float`, `String`, `[OmMaintenanceRecord!]`, an enum... */
  readonly type: string;
  /** What the value means, shown in Apollo Sandbox and GraphiQL. */
  readonly description: string;
  /** Unit of measure where the value has one (`W`, `V`, `A`, `°C`, `kWh`, `fen`). */
  readonly unit?: string;
  /**
   * What a value that differs from the last anchored one is: `refuse` (the default: it is treated
   * as tampered, and only a change the system vouches for is anchored again) or
   * `release-unverified` (for values that change between anchors, such as live readings:
   * released, marked unverified). The system registers it with the field; the gateway and the
   * ledger apply the registered policy, never one a response states.
   */
  readonly changePolicy?: ChangePolicy;
}

/** See {@link ShareableField.changePolicy}. */
export type ChangePolicy = 'refuse' | 'release-unverified';

/** What a business system's records look like to the kit: field name to value. */
export type DeviceRecord = Readonly<Record<string, unknown>>;

/**
 * Loads the records of many devices in one call. It receives device identifiers and returns the
 * records it holds, keyed by identifier; devices it does not hold are simply absent.
 */
export type DeviceBatchLoader = (
  identifiers: readonly string[],
) => Promise<ReadonlyMap<string, DeviceRecord>>;

/** Everything the kit needs to publish a business system's subgraph. */
export interface SubgraphDeclaration {
  /** The subgraph's name in the supergraph: lower-case letters, digits and dashes. */
  readonly name: string;
  /** Human title, e.g. "Plant real-time monitoring". */
  readonly title: string;
  /** The fields this system shares. */
  readonly fields: readonly ShareableField[];
  /** Extra SDL for the types the fields use (enums, value objects). Prefix their names with the system's. */
  readonly typeDefs?: string;
  /** The batch loader over the system's own database. */
  readonly loadDevices: DeviceBatchLoader;
}

const SUBGRAPH_NAME = /^[a-z][a-z0-9-]{0,39}$/;
const FIELD_NAME = /^[a-z][A-Za-z0-9]{0,62}$/;

/**
 * Checks a declaration's names and shape before any schema is built.
 *
 * @throws GridmarkError `BAD_DECLARATION` naming the offending part.
 */
export function validateDeclaration(declaration: SubgraphDeclaration): void {
  const bad = (message: string): never => {
    throw new GridmarkError('BAD_DECLARATION', `Subgraph "${declaration.name}": ${message}`, {
      details: { subgraph: declaration.name },
    });
  };
  if (!SUBGRAPH_NAME.test(declaration.name)) {
    bad('the name must be 1-40 lower-case letters, digits or dashes, starting with a letter.');
  }
  if (declaration.fields.length === 0) bad('declare at least one shareable field.');
  const seen = new Set<string>();
  for (const field of declaration.fields) {
    if (!FIELD_NAME.test(field.name)) {
      bad(
        `field "${field.name}" must be camelCase letters and digits, starting with a lower-case letter.`,
      );
    }
    if (RESERVED_DEVICE_FIELDS.has(field.name)) {
      bad(`field "${field.name}" is reserved for the aggregator's device catalog.`);
    }
    if (seen.has(field.name)) bad(`field "${field.name}" is declared twice.`);
    seen.add(field.name);
    if (field.description.trim() === '') bad(`field "${field.name}" needs a description.`);
    if (typeof declaration.loadDevices !== 'function') bad('loadDevices must be a function.');
  }
}
