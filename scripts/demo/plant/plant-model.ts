import { createRandom, type Random } from './random.js';

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

/** Identifier prefixes of the demo's issuing systems. */
export const DEMO_PREFIXES = {
  production: '88.1001.1',
  construction: '88.1001.2',
  monitoring: '88.1001.3',
  om: '88.1001.4',
  asset: '88.1001.5',
} as const;

/** Layout options; the defaults give 2,245 devices. */
export interface PlantOptions {
  readonly now?: Date;
  readonly seed?: number;
  readonly blocks?: number;
  readonly stringsPerBlock?: number;
  readonly modulesPerString?: number;
}

const MODULE: Product = {
  brand: 'Luxsolar',
  model: 'LX-550M-72H',
  productName: 'Monocrystalline PERC module 550 W',
  ratedPowerW: 550,
  warrantyYears: 25,
  unitPriceFen: 49_500,
};
const MODULE_V2: Product = {
  brand: 'Luxsolar',
  model: 'LX-555M-72H',
  productName: 'Monocrystalline PERC module 555 W',
  ratedPowerW: 555,
  warrantyYears: 25,
  unitPriceFen: 44_400,
};
const INVERTER: Product = {
  brand: 'Sunvolt',
  model: 'SV-150K-HV',
  productName: 'String inverter 150 kW',
  ratedPowerW: 150_000,
  warrantyYears: 10,
  unitPriceFen: 3_000_000,
};
const COMBINER: Product = {
  brand: 'Gridline',
  model: 'GL-CB-6',
  productName: 'DC combiner box, 6 inputs',
  ratedPowerW: null,
  warrantyYears: 5,
  unitPriceFen: 350_000,
};
const TRANSFORMER: Product = {
  brand: 'Huaxin Electric',
  model: 'SCB13-1250/35',
  productName: 'Step-up transformer 1250 kVA, 0.8/35 kV',
  ratedPowerW: 1_250_000,
  warrantyYears: 20,
  unitPriceFen: 35_000_000,
};
const METER: Product = {
  brand: 'Gridline',
  model: 'GL-M3-02S',
  productName: 'Bidirectional revenue meter, class 0.2S',
  ratedPowerW: null,
  warrantyYears: 8,
  unitPriceFen: 800_000,
};

const SITE = {
  name: 'Helan Shan PV Plant 1',
  latitude: 38.4872,
  longitude: 106.2309,
  utcOffsetHours: 8,
};
const COMMISSIONED = '2023-06-18';

/**
 * Builds the plant deterministically from the options.
 *
 * @example const plant = buildPlant({ now: new Date('2026-06-21T04:00:00Z') });
 */
export function buildPlant(options: PlantOptions = {}): Plant {
  const now = options.now ?? new Date();
  const random = createRandom(options.seed ?? 20230618);
  const blocks = options.blocks ?? 8;
  const stringsPerBlock = options.stringsPerBlock ?? 12;
  const modulesPerString = options.modulesPerString ?? 22;
  const devices: PlantDevice[] = [];
  const serial = { module: 0, inverter: 0, combiner: 0 };
  const place = (
    block: number,
    row: number,
    slot: number,
  ): { latitude: number; longitude: number } => ({
    latitude: round6(SITE.latitude - block * 0.0009 - row * 0.00006),
    longitude: round6(SITE.longitude + slot * 0.000025),
  });
  const base = {
    openFault: null,
    scrappedAt: null,
    replacedBy: null,
    moduleCount: 0,
  };

  const transformer = maker(
    'TRF-000001',
    'TRANSFORMER',
    TRANSFORMER,
    '2023-03-02',
    null,
    null,
    'Substation bay 1',
    place(0, 0, 0),
  );
  const meter = maker(
    'MTR-000001',
    'METER',
    METER,
    '2023-03-20',
    transformer.id,
    null,
    'Substation bay 1, export feeder',
    place(0, 0, 1),
  );
  devices.push(transformer, meter);

  const scrappedBlock = Math.min(5, blocks);
  const faultBlock = Math.min(2, blocks);
  const faultString = Math.min(9, stringsPerBlock);
  for (let block = 1; block <= blocks; block++) {
    let inverter = maker(
      `PVI-${pad(++serial.inverter, 6)}`,
      'INVERTER',
      INVERTER,
      day(2023, 4, random.int(1, 28)),
      transformer.id,
      block,
      `Block ${block}, inverter pad`,
      place(block, 0, 0),
    );
    if (block === scrappedBlock) {
      const replacement = {
        ...maker(
          `PVI-${pad(900_000 + block, 6)}`,
          'INVERTER',
          INVERTER,
          '2025-02-20',
          transformer.id,
          block,
          `Block ${block}, inverter pad`,
          place(block, 0, 0),
        ),
        commissioningDate: '2025-03-14',
      };
      devices.push({
        ...inverter,
        scrappedAt: '2025-03-14',
        replacedBy: replacement.id,
        parentId: null,
      });
      inverter = replacement;
    }
    devices.push(inverter);
    const combiners: PlantDevice[] = [];
    for (let c = 1; c <= Math.ceil(stringsPerBlock / 6); c++) {
      const combiner = maker(
        `PVC-${pad(++serial.combiner, 6)}`,
        'COMBINER_BOX',
        COMBINER,
        day(2023, 4, random.int(1, 28)),
        inverter.id,
        block,
        `Block ${block}, combiner box ${c}`,
        place(block, c * 6, 0),
      );
      combiners.push(combiner);
      devices.push(combiner);
    }
    for (let s = 1; s <= stringsPerBlock; s++) {
      const ownCode = `STR-B${block}-S${pad(s, 2)}`;
      const combiner = combiners[Math.floor((s - 1) / 6)] ?? null;
      const faulty = block === faultBlock && s === faultString;
      const stringDevice: PlantDevice = {
        ...base,
        id: `${DEMO_PREFIXES.construction}/${ownCode}`,
        kind: 'STRING',
        ownCode,
        parentId: combiner?.id ?? inverter.id,
        block,
        location: `Block ${block}, row ${pad(s, 2)}`,
        ...place(block, s, 0),
        product: null,
        productionDate: null,
        commissioningDate: COMMISSIONED,
        moduleCount: modulesPerString,
        openFault: faulty
          ? {
              since: new Date(now.getTime() - 36 * 3_600_000).toISOString(),
              description:
                'Low insulation resistance (0.21 MΩ); string isolated at the combiner box',
            }
          : null,
      };
      devices.push(stringDevice);
      for (let m = 1; m <= modulesPerString; m++) {
        const module = maker(
          `PVM-${pad(++serial.module, 6)}`,
          'MODULE',
          MODULE,
          day(2023, random.int(2, 5), random.int(1, 28)),
          stringDevice.id,
          block,
          `Block ${block}, row ${pad(s, 2)}, position ${pad(m, 2)}`,
          place(block, s, m),
        );
        devices.push(module);
      }
    }
  }
  scrapSomeModules(devices, random, Math.min(10, Math.floor(devices.length / 200)));

  return {
    name: SITE.name,
    now,
    latitude: SITE.latitude,
    longitude: SITE.longitude,
    utcOffsetHours: SITE.utcOffsetHours,
    devices,
    byId: new Map(devices.map((d) => [d.id, d])),
  };

  function maker(
    ownCode: string,
    kind: DeviceKind,
    product: Product,
    productionDate: string,
    parentId: string | null,
    block: number | null,
    location: string,
    at: { latitude: number; longitude: number },
  ): PlantDevice {
    return {
      ...base,
      id: `${DEMO_PREFIXES.production}/${ownCode}`,
      kind,
      ownCode,
      parentId,
      block,
      location,
      ...at,
      product,
      productionDate,
      commissioningDate: COMMISSIONED,
    };
  }
}

/** Replaces a few modules: the old one is scrapped, a newer model takes its place and parent. */
function scrapSomeModules(devices: PlantDevice[], random: Random, count: number): void {
  const modules = devices.filter((d) => d.kind === 'MODULE');
  const chosen = new Set<PlantDevice>();
  while (chosen.size < Math.min(count, modules.length)) chosen.add(random.pick(modules));
  let n = 0;
  for (const old of chosen) {
    const scrappedAt = day(2024 + (n % 2), 1 + ((n * 5) % 12), 1 + ((n * 7) % 27));
    const ownCode = `PVM-${pad(950_000 + ++n, 6)}`;
    const replacement: PlantDevice = {
      ...old,
      id: `${DEMO_PREFIXES.production}/${ownCode}`,
      ownCode,
      product: MODULE_V2,
      productionDate: day(2024, 1 + (n % 6), 10),
      commissioningDate: scrappedAt,
    };
    const index = devices.indexOf(old);
    devices[index] = { ...old, scrappedAt, replacedBy: replacement.id, parentId: null };
    devices.push(replacement);
  }
}

function day(year: number, month: number, date: number): string {
  return `${year}-${pad(month, 2)}-${pad(date, 2)}`;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
