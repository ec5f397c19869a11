import { DEMO_PREFIXES } from './demo-prefixes.js';
import type { DeviceKind, PlantDevice, PlantOptions, Product } from './plant-model.js';
import { COMBINER, INVERTER, METER, MODULE, MODULE_V2, TRANSFORMER } from './products.js';
import { createRandom, type Random } from './random.js';

/** Where the plant stands, and its name. */
export const PLANT_SITE = {
  name: 'Helan Shan PV Plant 1',
  latitude: 38.4872,
  longitude: 106.2309,
  utcOffsetHours: 8,
};
const COMMISSIONED = '2023-06-18';
/** Strings per combiner box. */
const COMBINER_INPUTS = 6;

/** What a device starts as before its history: in service, no fault, not replaced. */
const UNREMARKABLE = {
  openFault: null,
  scrappedAt: null,
  replacedBy: null,
  moduleCount: 0,
} as const;

/** A device its maker identifies: the production system issues its identifier. */
interface MadeDevice {
  readonly ownCode: string;
  readonly kind: DeviceKind;
  readonly product: Product;
  readonly productionDate: string;
  readonly parentId: string | null;
  readonly block: number | null;
  readonly location: string;
  readonly at: { readonly latitude: number; readonly longitude: number };
}

/**
 * Lays the plant's devices out deterministically: the substation (transformer and meter), then
 * per block an inverter, its combiner boxes and strings and each string's modules; an inverter
 * and a few modules scrapped and replaced; one string with an open fault.
 */
export function layOutPlant(options: PlantOptions, now: Date): PlantDevice[] {
  return new PlantLayout(options, now).layOut();
}

/** The devices as they are placed, one block after the other. */
class PlantLayout {
  readonly #now: Date;
  readonly #random: Random;
  readonly #blocks: number;
  readonly #stringsPerBlock: number;
  readonly #modulesPerString: number;
  readonly #devices: PlantDevice[] = [];
  readonly #serial = { module: 0, inverter: 0, combiner: 0 };

  constructor(options: PlantOptions, now: Date) {
    this.#now = now;
    this.#random = createRandom(options.seed ?? 20230618);
    this.#blocks = options.blocks ?? 8;
    this.#stringsPerBlock = options.stringsPerBlock ?? 12;
    this.#modulesPerString = options.modulesPerString ?? 22;
  }

  layOut(): PlantDevice[] {
    const transformer = this.#addSubstation();
    for (let block = 1; block <= this.#blocks; block++) this.#addBlock(block, transformer);
    const devices = this.#devices;
    scrapSomeModules(devices, this.#random, Math.min(10, Math.floor(devices.length / 200)));
    return devices;
  }

  /** The step-up transformer and the revenue meter on its export feeder. */
  #addSubstation(): PlantDevice {
    const transformer = made({
      ownCode: 'TRF-000001',
      kind: 'TRANSFORMER',
      product: TRANSFORMER,
      productionDate: '2023-03-02',
      parentId: null,
      block: null,
      location: 'Substation bay 1',
      at: place(0, 0, 0),
    });
    const meter = made({
      ownCode: 'MTR-000001',
      kind: 'METER',
      product: METER,
      productionDate: '2023-03-20',
      parentId: transformer.id,
      block: null,
      location: 'Substation bay 1, export feeder',
      at: place(0, 0, 1),
    });
    this.#devices.push(transformer, meter);
    return transformer;
  }

  #addBlock(block: number, transformer: PlantDevice): void {
    const inverter = this.#addInverter(block, transformer);
    const combiners = this.#addCombiners(block, inverter);
    for (let s = 1; s <= this.#stringsPerBlock; s++) {
      const combiner = combiners[Math.floor((s - 1) / COMBINER_INPUTS)] ?? null;
      this.#addString(block, s, combiner?.id ?? inverter.id);
    }
  }

  /** The block's inverter; in one block the first was scrapped and a newer one took its place. */
  #addInverter(block: number, transformer: PlantDevice): PlantDevice {
    const inverter = made({
      ownCode: `PVI-${pad(++this.#serial.inverter, 6)}`,
      kind: 'INVERTER',
      product: INVERTER,
      productionDate: day(2023, 4, this.#random.int(1, 28)),
      parentId: transformer.id,
      block,
      location: `Block ${block}, inverter pad`,
      at: place(block, 0, 0),
    });
    if (block !== Math.min(5, this.#blocks)) {
      this.#devices.push(inverter);
      return inverter;
    }
    const replacement = {
      ...made({
        ownCode: `PVI-${pad(900_000 + block, 6)}`,
        kind: 'INVERTER',
        product: INVERTER,
        productionDate: '2025-02-20',
        parentId: transformer.id,
        block,
        location: inverter.location,
        at: place(block, 0, 0),
      }),
      commissioningDate: '2025-03-14',
    };
    this.#devices.push(
      { ...inverter, scrappedAt: '2025-03-14', replacedBy: replacement.id, parentId: null },
      replacement,
    );
    return replacement;
  }

  #addCombiners(block: number, inverter: PlantDevice): PlantDevice[] {
    const combiners: PlantDevice[] = [];
    for (let c = 1; c <= Math.ceil(this.#stringsPerBlock / COMBINER_INPUTS); c++) {
      const combiner = made({
        ownCode: `PVC-${pad(++this.#serial.combiner, 6)}`,
        kind: 'COMBINER_BOX',
        product: COMBINER,
        productionDate: day(2023, 4, this.#random.int(1, 28)),
        parentId: inverter.id,
        block,
        location: `Block ${block}, combiner box ${c}`,
        at: place(block, c * COMBINER_INPUTS, 0),
      });
      combiners.push(combiner);
      this.#devices.push(combiner);
    }
    return combiners;
  }

  /** A string (the construction system identifies it) and the modules wired in series on it. */
  #addString(block: number, s: number, parentId: string): void {
    const ownCode = `STR-B${block}-S${pad(s, 2)}`;
    const faulty = block === Math.min(2, this.#blocks) && s === Math.min(9, this.#stringsPerBlock);
    const stringDevice: PlantDevice = {
      ...UNREMARKABLE,
      id: `${DEMO_PREFIXES.construction}/${ownCode}`,
      kind: 'STRING',
      ownCode,
      parentId,
      block,
      location: `Block ${block}, row ${pad(s, 2)}`,
      ...place(block, s, 0),
      product: null,
      productionDate: null,
      commissioningDate: COMMISSIONED,
      moduleCount: this.#modulesPerString,
      openFault: faulty
        ? {
            since: new Date(this.#now.getTime() - 36 * 3_600_000).toISOString(),
            description: 'Low insulation resistance (0.21 MΩ); string isolated at the combiner box',
          }
        : null,
    };
    this.#devices.push(stringDevice);
    for (let m = 1; m <= this.#modulesPerString; m++) {
      this.#devices.push(
        made({
          ownCode: `PVM-${pad(++this.#serial.module, 6)}`,
          kind: 'MODULE',
          product: MODULE,
          productionDate: day(2023, this.#random.int(2, 5), this.#random.int(1, 28)),
          parentId: stringDevice.id,
          block,
          location: `Block ${block}, row ${pad(s, 2)}, position ${pad(m, 2)}`,
          at: place(block, s, m),
        }),
      );
    }
  }
}

/** A device as its maker identifies it, commissioned with the plant. */
function made(device: MadeDevice): PlantDevice {
  return {
    ...UNREMARKABLE,
    id: `${DEMO_PREFIXES.production}/${device.ownCode}`,
    kind: device.kind,
    ownCode: device.ownCode,
    parentId: device.parentId,
    block: device.block,
    location: device.location,
    ...device.at,
    product: device.product,
    productionDate: device.productionDate,
    commissioningDate: COMMISSIONED,
  };
}

/** Where a device stands: blocks run south, rows within a block south, slots east. */
function place(block: number, row: number, slot: number): { latitude: number; longitude: number } {
  return {
    latitude: round6(PLANT_SITE.latitude - block * 0.0009 - row * 0.00006),
    longitude: round6(PLANT_SITE.longitude + slot * 0.000025),
  };
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
