import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openSqliteDirectory } from '../gateway/index.js';
import { DEMO_SYSTEMS } from '../subgraphs/demo/demo-systems.js';
import { seedDemo } from '../subgraphs/demo/seed-demo.js';

/** The directory database's file name inside the demo data folder. */
export const DIRECTORY_FILE = 'directory.db';

/** True when every demo database already exists in `dataDir`. */
export function demoDataExists(dataDir: string): boolean {
  return [...DEMO_SYSTEMS.map((s) => `${s.name}.db`), DIRECTORY_FILE].every((f) => existsSync(join(dataDir, f)));
}

/**
 * Seeds the demo plant into `dataDir`: one SQLite database per business system plus the
 * aggregator's directory. Returns what it wrote, for the banner.
 */
export function seedDemoData(dataDir: string, now = new Date()): { devices: number; keyDevices: number } {
  mkdirSync(dataDir, { recursive: true });
  const demo = seedDemo({ dataDir, plant: { now } });
  try {
    const directory = openSqliteDirectory(join(dataDir, DIRECTORY_FILE));
    try {
      directory.replaceAll(demo.holdings);
    } finally {
      directory.close();
    }
    return { devices: demo.holdings.length, keyDevices: demo.holdings.filter((h) => h.heldBy.length >= 2).length };
  } finally {
    demo.close();
  }
}
