import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { readReceipt } from '../../gateway/index.js';
import { GridmarkError, silentLogger } from '../../schema/index.js';
import { DEMO_APPLICATION } from '../../scripts/demo-application.js';
import { seedDemoData } from '../../scripts/demo-data.js';
import { startDemoNetwork, type DemoNetwork } from '../../scripts/demo-network.js';
import { confirmReseed, reseedDemoData } from '../../scripts/demo-reseed.js';

/**
 * `npm start -- --reseed` replaces the demo network as a whole: the systems' databases, their
 * anchor journals, the ledger, the registry and the book start together, so every value of the
 * new plant is anchored and released VERIFIED. The old network is moved aside, never deleted, and
 * only when the user confirms.
 */
const root = mkdtempSync(join(tmpdir(), 'gridmark-reseed-'));
const dataDir = join(root, 'demo');
const DEVICE = '88.1001.1/PVI-000001';
const QUERY = `{ device(id: "${DEVICE}") { model brand ratedPowerW installLocation commissioningDate operatingStatus outputPowerW lastReadingAt maintenanceRecords { time fault remedy } assetStatus assetValueFen } }`;
let network: DemoNetwork | undefined;

afterAll(async () => {
  await network?.stop();
  rmSync(root, { recursive: true, force: true });
});

/** Starts the demo network on `dataDir`, queries one device across all five systems as an O&M engineer, stops. */
async function statusesOfOneDevice(): Promise<string[]> {
  network = await startDemoNetwork({ port: 0, host: '127.0.0.1', dataDir, logger: silentLogger });
  try {
    const response = await fetch(network.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${network.application.apiKey}`, 'x-gridmark-function': DEMO_APPLICATION.function, 'x-gridmark-role': 'om-engineer' },
      body: JSON.stringify({ query: QUERY }),
    });
    const body = (await response.json()) as { errors?: unknown[]; extensions?: { gridmark?: unknown } };
    expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
    return readReceipt(body.extensions?.gridmark).map((v) => v.status);
  } finally {
    await network.stop();
    network = undefined;
  }
}

describe('reseeding the demo network', () => {
  it('moves the old network aside and gives one whose every value is VERIFIED', async () => {
    expect(reseedDemoData(dataDir, new Date('2026-06-21T04:00:00Z')).movedTo).toBeNull();
    const first = await statusesOfOneDevice();
    expect(first.length).toBeGreaterThan(10);
    expect(new Set(first)).toEqual(new Set(['VERIFIED']));

    const reseeded = reseedDemoData(dataDir, new Date('2026-06-21T05:00:00Z'));
    expect(reseeded.movedTo).toBe(`${dataDir}.old-20260621T050000Z`);
    // The old network is kept whole: databases, journals, ledger, registry, book.
    expect(readdirSync(reseeded.movedTo ?? '')).toEqual(expect.arrayContaining(['production.db', 'production.anchors.db', 'ledger.db', 'registry.db', 'billing.db']));
    const again = await statusesOfOneDevice();
    expect(again).toHaveLength(first.length);
    expect(again.filter((s) => s !== 'VERIFIED')).toEqual([]);
  }, 240_000);

  it('asks before it replaces anything, and without a terminal needs --yes', async () => {
    const input = Object.assign(new PassThrough(), { isTTY: false });
    const output = Object.assign(new PassThrough(), { isTTY: false });
    const refused = await confirmReseed(dataDir, { yes: false, terminal: { input, output } }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(GridmarkError);
    expect((refused as GridmarkError).code).toBe('BAD_CONFIGURATION');
    await expect(confirmReseed(dataDir, { yes: true, terminal: { input, output } })).resolves.toBeUndefined();
    const tty = Object.assign(new PassThrough(), { isTTY: true });
    const answered = confirmReseed(dataDir, { yes: false, terminal: { input: tty, output: Object.assign(new PassThrough(), { isTTY: true }) } });
    tty.write('n\n');
    expect(((await answered.catch((e: unknown) => e)) as GridmarkError).code).toBe('BAD_CONFIGURATION');
  });

  it('never seeds over a directory that holds data', () => {
    const other = join(root, 'other');
    seedDemoData(other);
    writeFileSync(join(other, 'ledger.db'), 'a ledger');
    expect(() => seedDemoData(other)).toThrow(expect.objectContaining({ code: 'BAD_CONFIGURATION' }) as Error);
    expect(readFileSync(join(other, 'ledger.db'), 'utf8')).toBe('a ledger');
  });
});
