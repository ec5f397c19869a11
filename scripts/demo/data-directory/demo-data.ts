import { existsSync, readdirSync } from 'node:fs';
import { recordDemoDataFiles } from './demo-data-files.js';
import { seedDemo } from '../systems/seed-systems.js';
import { GridmarkError, ensureOwnerOnlyDirectory } from '../../../schema/index.js';

export { BILLING_FILE, LEDGER_FILE, REGISTRY_FILE } from './demo-data-files.js';

/**
 * Seeds the demo plant into `dataDir`: one SQLite database per business system; the systems then
 * register with a new aggregator, and the directory's list of files names them (see
 * `demo-data-files.ts`). Returns what it wrote. Nothing is overwritten or deleted: a
 * directory that holds anything is refused (`reseedDemoData` moves it aside first).
 *
 * @throws GridmarkError `BAD_CONFIGURATION` when `dataDir` is not empty.
 */
export function seedDemoData(
  dataDir: string,
  now = new Date(),
): { devices: number; keyDevices: number } {
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      `${dataDir} already holds data; seeding would mix two networks. Use --reseed, which moves it aside.`,
    );
  }
  // Registry, ledger, node key, book and journals live here: the demo's user only.
  ensureOwnerOnlyDirectory(dataDir, { tighten: true });
  const demo = seedDemo({ dataDir, plant: { now } });
  let seeded: { devices: number; keyDevices: number };
  try {
    seeded = {
      devices: demo.holdings.length,
      keyDevices: demo.holdings.filter((h) => h.heldBy.length >= 2).length,
    };
  } finally {
    demo.close();
  }
  recordDemoDataFiles(dataDir);
  return seeded;
}
