import type { DeviceSchema } from './device-schema.js';
import type { GrantMinter, GrantSigningKey } from './grant-minter.js';
import type { RegistryReader } from './registry-reader.js';
import type { SystemClient } from './system-client.js';

/** What every check of one system works with. */
export interface CheckContext {
  readonly client: SystemClient;
  readonly minter: GrantMinter;
  readonly signingKey: GrantSigningKey;
  /** The subgraph name grants are minted for. */
  readonly audience: string;
  /** Devices the system holds, to ask for (at least one). */
  readonly devices: readonly string[];
  /** A well-formed identifier no system holds. */
  readonly unknownDevice: string;
  readonly schema: DeviceSchema;
  /** The registry API, for the anchors on the ledger; absent, the ledger checks are skipped. */
  readonly registry?: RegistryReader;
  /** The system's code in the registry, when known. */
  readonly systemCode?: string;
  readonly now: () => number;
}

/** The names of the fields the SDL declares on `Device`. */
export function fieldNames(context: CheckContext): readonly string[] {
  return context.schema.fields.map((f) => f.name);
}
