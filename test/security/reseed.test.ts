import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { readReceipt } from '../../gateway/index.js';
import { GridmarkError, silentLogger } from '../../schema/index.js';
import {
  DEMO_APPLICATION,
  seedDemoData,
  startDemoNetwork,
  type DemoNetwork,
  DATA_MANIFEST_FILE,
  confirmReseed,
  reseedDemoData,
} from '../../scripts/demo/index.js';
import {
  hasScriptCommand,
  snapshotOf,
  startOnTerminal,
  startRefused,
  startUntilReady,
} from './demo-start-process.js';

/**
 * `npm start -- --reseed` replaces the demo network as a whole: the systems' databases, their
 * anchor journals, the ledger, the registry and the book start together, so every value of the
 * new plant is anchored and released VERIFIED. The old network is moved aside, never deleted, and
 * only when the user confirms. Without `--reseed`, nothing is seeded over a data directory that
 * holds a network: a start that finds one of its files missing or unreadable stops, naming it.
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
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${network.application.apiKey}`,
        'x-gridmark-function': DEMO_APPLICATION.function,
        'x-gridmark-role': 'om-engineer',
      },
      body: JSON.stringify({ query: QUERY }),
    });
    const body = (await response.json()) as {
      errors?: unknown[];
      extensions?: { gridmark?: unknown };
    };
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
    expect(readdirSync(reseeded.movedTo ?? '')).toEqual(
      expect.arrayContaining([
        'production.db',
        'production.anchors.db',
        'ledger.db',
        'registry.db',
        'billing.db',
      ]),
    );
    const again = await statusesOfOneDevice();
    expect(again).toHaveLength(first.length);
    expect(again.filter((s) => s !== 'VERIFIED')).toEqual([]);
  }, 240_000);

  it('asks before it replaces anything, and without a terminal needs --yes', async () => {
    const input = Object.assign(new PassThrough(), { isTTY: false });
    const output = Object.assign(new PassThrough(), { isTTY: false });
    const refused = await confirmReseed(dataDir, { yes: false, terminal: { input, output } }).catch(
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(GridmarkError);
    expect((refused as GridmarkError).code).toBe('NOT_CONFIRMED');
    await expect(
      confirmReseed(dataDir, { yes: true, terminal: { input, output } }),
    ).resolves.toBeUndefined();
    const tty = Object.assign(new PassThrough(), { isTTY: true });
    const answered = confirmReseed(dataDir, {
      yes: false,
      terminal: { input: tty, output: Object.assign(new PassThrough(), { isTTY: true }) },
    });
    tty.write('n\n');
    expect(((await answered.catch((e: unknown) => e)) as GridmarkError).code).toBe('NOT_CONFIRMED');
  });

  it('never seeds over a directory that holds data', () => {
    const other = join(root, 'other');
    seedDemoData(other);
    writeFileSync(join(other, 'ledger.db'), 'a ledger');
    expect(() => seedDemoData(other)).toThrow(
      expect.objectContaining({ code: 'BAD_CONFIGURATION' }) as Error,
    );
    expect(readFileSync(join(other, 'ledger.db'), 'utf8')).toBe('a ledger');
  });
});

/** The network `npm start` seeded and started in a directory that did not exist (a new machine). */
const started = join(root, 'machine', 'demo');
/** Files that would be taken out of `started` are kept here. */
const aside = join(root, 'aside');

/** Runs `npm start` on `started` with `file` moved away, and puts it back. */
async function startWithout(
  file: string,
): Promise<{ code: number | null; stderr: string; unchanged: boolean }> {
  const kept = join(aside, basename(file));
  renameSync(join(started, file), kept);
  try {
    const before = snapshotOf(started);
    const run = await startRefused(['--data-dir', started]);
    return {
      code: run.code,
      stderr: run.stderr,
      unchanged: JSON.stringify(snapshotOf(started)) === JSON.stringify(before),
    };
  } finally {
    renameSync(kept, join(started, file));
  }
}

/** The demo gateway's stores and the ledger's node key, where `gridmark init` puts them. */
const LEDGER = join('gateway', 'ledger.db');
const REGISTRY = join('gateway', 'registry.db');
const BOOK = join('gateway', 'billing.db');
const GATEWAY_FILES = [LEDGER, join('gateway', 'keys', 'ledger.db.node-key.pem'), REGISTRY, BOOK];

describe('npm start on a data directory', () => {
  it("seeds and starts on a new machine, where the data directory does not exist, and lists the network's files", async () => {
    mkdirSync(aside);
    const run = await startUntilReady(['--data-dir', started]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('gridmark demo network is ready');
    const listed = (
      JSON.parse(readFileSync(join(started, DATA_MANIFEST_FILE), 'utf8')) as { files: string[] }
    ).files;
    const systems = ['asset', 'construction', 'monitoring', 'om', 'production'];
    expect(listed).toEqual(
      expect.arrayContaining([...systems.flatMap((s) => [`${s}.anchors.db`, `${s}.db`])]),
    );
    // The gateway's own stores, made as `gridmark init` makes them, in their own folder.
    for (const file of GATEWAY_FILES) expect(existsSync(join(started, file)), file).toBe(true);
    expect(existsSync(join(started, 'gateway.yaml'))).toBe(true);
  }, 240_000);

  it.each([...GATEWAY_FILES, 'production.db', 'om.anchors.db'])(
    'refuses to start without %s, names it, says how to reseed, and changes nothing',
    async (file) => {
      const run = await startWithout(file);
      expect(run.code).toBe(8);
      expect(run.stderr).toContain('DATA_FILE_MISSING');
      expect(run.stderr).toContain(`${join(started, file)} is missing`);
      expect(run.stderr).toContain(`npm start -- --data-dir ${started} --reseed`);
      // Nothing was created in its place, nothing else touched.
      expect(run.unchanged).toBe(true);
    },
    60_000,
  );

  it('refuses a file of the network that is not what it should be, names it, and leaves it as it is', async () => {
    renameSync(join(started, BOOK), join(aside, 'billing.db'));
    writeFileSync(join(started, BOOK), 'not a book');
    try {
      const garbage = await startRefused(['--data-dir', started]);
      expect(garbage.code).toBe(8);
      expect(garbage.stderr).toMatch(
        /DATA_FILE_UNREADABLE: .*billing\.db .*is not a SQLite database/,
      );
      expect(garbage.stderr).toContain(`npm start -- --data-dir ${started} --reseed`);
      expect(readFileSync(join(started, BOOK), 'utf8')).toBe('not a book');
    } finally {
      rmSync(join(started, BOOK));
      renameSync(join(aside, 'billing.db'), join(started, BOOK));
    }
    renameSync(join(started, REGISTRY), join(aside, 'registry.db'));
    mkdirSync(join(started, REGISTRY));
    try {
      const directory = await startRefused(['--data-dir', started]);
      expect(directory.code).toBe(8);
      expect(directory.stderr).toMatch(/DATA_FILE_UNREADABLE: .*registry\.db .*is not a file/);
    } finally {
      rmSync(join(started, REGISTRY), { recursive: true });
      renameSync(join(aside, 'registry.db'), join(started, REGISTRY));
    }
  }, 120_000);

  // The superuser reads any file whatever its mode.
  it.skipIf(process.getuid?.() === 0 || process.platform === 'win32')(
    'refuses a file of the network its user cannot read',
    async () => {
      chmodSync(join(started, LEDGER), 0o000);
      try {
        const run = await startRefused(['--data-dir', started]);
        expect(run.code).toBe(8);
        expect(run.stderr).toMatch(/DATA_FILE_UNREADABLE: .*ledger\.db cannot be opened/);
      } finally {
        chmodSync(join(started, LEDGER), 0o600);
      }
    },
  );

  it('holds a directory from before the list of files to the network it shows', async () => {
    renameSync(join(started, DATA_MANIFEST_FILE), join(aside, DATA_MANIFEST_FILE));
    try {
      const run = await startWithout(BOOK);
      expect(run.code).toBe(8);
      expect(run.stderr).toContain(
        `DATA_FILE_MISSING: The demo network in ${started} is incomplete: ${join(started, BOOK)} is missing`,
      );
      expect(run.unchanged).toBe(true);
    } finally {
      renameSync(join(aside, DATA_MANIFEST_FILE), join(started, DATA_MANIFEST_FILE));
    }
  }, 60_000);

  it('asks for --yes before --reseed replaces anything when there is no terminal', async () => {
    const before = snapshotOf(started);
    const run = await startRefused(['--data-dir', started, '--reseed']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `NOT_CONFIRMED: replacing the demo network in ${started} (it is moved aside, not deleted) needs a confirmation on a terminal, or --yes`,
    );
    expect(snapshotOf(started)).toEqual(before);
    expect(readdirSync(join(root, 'machine'))).toEqual(['demo']);
  }, 60_000);

  it.skipIf(!hasScriptCommand)(
    'asks on a terminal before --reseed replaces anything, and a "no" changes nothing',
    async () => {
      const before = snapshotOf(started);
      const run = await startOnTerminal(['--data-dir', started, '--reseed'], 'n');
      expect(run.stdout).toContain(
        `Move the demo network in ${started} aside (to ${started}.old-<time>) and seed a new one? [y/N]`,
      );
      expect(run.stdout).toContain(`NOT_CONFIRMED: not confirmed; ${started} is unchanged.`);
      expect(run.code).toBe(2);
      expect(snapshotOf(started)).toEqual(before);
    },
    60_000,
  );

  it('with --reseed --yes moves a network that lost its ledger aside, whole, and starts a new one', async () => {
    renameSync(join(started, LEDGER), join(aside, 'ledger.db'));
    const kept = snapshotOf(started);
    const run = await startUntilReady(['--data-dir', started, '--reseed', '--yes']);
    expect(run.code, run.stderr).toBe(0);
    const moved = readdirSync(join(root, 'machine')).filter((name) => name.startsWith('demo.old-'));
    expect(moved).toHaveLength(1);
    // Every file the old network still had went aside with it, byte for byte.
    const old = snapshotOf(join(root, 'machine', moved[0] ?? ''));
    expect(old).toEqual(kept);
    expect(readdirSync(started)).toEqual(
      expect.arrayContaining(['gateway', 'gateway.yaml', DATA_MANIFEST_FILE]),
    );
    for (const file of GATEWAY_FILES) expect(existsSync(join(started, file)), file).toBe(true);
  }, 240_000);
});
