import { layOutPlant, PLANT_SITE } from './plant-layout.js';

/**
 * The physical truth of the demo PV plant, from which every demo business system takes its own
 * slice. Building all five systems' data from one model is what makes them hang together: a
 * scrapped inverter is scrapped in the asset register, decommissioned in monitoring and has the
 * work order that replaced it in O&M.
 */
export type DeviceKind =
  'MODULE' | 'STRING' | 'COMBINER_BOX' | 'INVERTER' | 'TRANSFORMER' | 'METER';

/** What the maker knows about a product. */
export interface Product {
  readonly brand: string;
  readonly model: string;
  readonly productName: string;
  readonly ratedPowerW: number | null;
  readonly warrantyYears: number;
  readonly unitPriceFen: number;
}

/** One device of the plant. Dates are ISO-8601 (`YYYY-MM-DD`), times full timestamps. */
export interface PlantDevice {
  /** The device identifier, `<issuer prefix>/<own code>`. */
  readonly id: string;
  readonly kind: DeviceKind;
  /** The issuer's own code for the device, embedded in the identifier's suffix. */
  readonly ownCode: string;
  /** The electrical parent (module -> string -> combiner box -> inverter -> transformer). */
  readonly parentId: string | null;
  readonly block: number | null;
  readonly location: string;
  readonly latitude: number;
  readonly longitude: number;
  readonly product: Product | null;
  readonly productionDate: string | null;
  readonly commissioningDate: string;
  readonly scrappedAt: string | null;
  readonly replacedBy: string | null;
  /** A fault still open at `now`. */
  readonly openFault: { readonly since: string; readonly description: string } | null;
  /** Modules in series, for strings. */
  readonly moduleCount: number;
}

/** The plant and the moment its data describes. */
export interface Plant {
  readonly name: string;
  readonly now: Date;
  readonly latitude: number;
  readonly longitude: number;
  readonly utcOffsetHours: number;
  readonly devices: readonly PlantDevice[];
  readonly byId: ReadonlyMap<string, PlantDevice>;
}

export { DEMO_PREFIXES } from './demo-prefixes.js';

/** Layout options; the defaults give 2,245 devices. */
export interface PlantOptions {
  readonly now?: Date;
  readonly seed?: number;
  readonly blocks?: number;
  readonly stringsPerBlock?: number;
  readonly modulesPerString?: number;
}

/**
 * Builds the plant deterministically from the options.
 *
 * @example const plant = buildPlant({ now: new Date('2026-06-21T04:00:00Z') });
 */
export function buildPlant(options: PlantOptions = {}): Plant {
  const now = options.now ?? new Date();
  const devices = layOutPlant(options, now);
  return {
    name: PLANT_SITE.name,
    now,
    latitude: PLANT_SITE.latitude,
    longitude: PLANT_SITE.longitude,
    utcOffsetHours: PLANT_SITE.utcOffsetHours,
    devices,
    byId: new Map(devices.map((d) => [d.id, d])),
  };
}
