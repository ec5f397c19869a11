import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_SYSTEMS } from '../subgraphs/demo/demo-systems.js';
import { seedDemo } from '../subgraphs/demo/seed-demo.js';
import { GridmarkError, ensureOwnerOnlyDirectory } from '../schema/index.js';

/** The aggregator's registry database inside the demo data folder. */
export const REGISTRY_FILE = 'registry.db';
/** The embedded ledger inside the demo data folder (its node key sits beside it). */
export const LEDGER_FILE = 'ledger.db';
/** The billing book's file in the data directory. */
export const BILLING_FILE = 'billing.db';

/** True when every demo business system's database already exists in `dataDir`. */
export function demoDataExists(dataDir: string): boolean {
  return DEMO_SYSTEMS.every((s) => existsSync(join(dataDir, `${s.name}.db`)));
}

/**
 * Seeds the demo plant into `dataDir`: one SQLite database per business system; the systems then
 * register with a new aggregator. Returns what it wrote. Nothing is overwritten or deleted: a
 * directory that holds anything is refused (`reseedDemoData` moves it aside first).
 *
 * @throws GridmarkError `BAD_CONFIGURATION` when `dataDir` is not empty.
 */
export function seedDemoData(dataDir: string, now = new Date()): { devices: number; keyDevices: number } {
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
    throw new GridmarkError('BAD_CONFIGURATION', `${dataDir} already holds data; seeding would mix two networks. Use --reseed, which moves it aside.`);
  }
  // Registry, ledger, node key, book and journals live here: the demo's user only.
  ensureOwnerOnlyDirectory(dataDir, { tighten: true });
  const demo = seedDemo({ dataDir, plant: { now } });
  try {
    return { devices: demo.holdings.length, keyDevices: demo.holdings.filter((h) => h.heldBy.length >= 2).length };
  } finally {
    demo.close();
  }
}
