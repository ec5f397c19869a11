import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * End to end: the demo network started exactly as `npm start` starts it (the same command line,
 * real processes, real sockets), driven with the curl command it prints, stopped with Ctrl-C.
 */
const root = new URL('..', import.meta.url).pathname;
const startScript = (
  JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }
).scripts.start;
const dataDir = mkdtempSync(join(tmpdir(), 'gridmark-e2e-'));
let demo: ChildProcess;
let output = '';
let exited: Promise<number | null>;

beforeAll(async () => {
  const [command = 'node', ...args] = startScript.split(' ');
  // Its own process group, so the test can send Ctrl-C to the whole group as a terminal does.
  demo = spawn(command, [...args, '--port', '0', '--data-dir', dataDir], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, GRIDMARK_LOG_LEVEL: 'warn' },
  });
  exited = new Promise((resolve) => demo.once('exit', (code) => resolve(code)));
  demo.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  demo.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 60_000;
  while (!output.includes('Press Ctrl-C to stop.')) {
    if (Date.now() > deadline || demo.exitCode !== null)
      throw new Error(`the demo did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}, 90_000);

afterAll(() => {
  if (demo.exitCode === null && demo.pid) process.kill(-demo.pid, 'SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

function printedUrls(): { gateway: string; systems: string[] } {
  const gateway = /Gateway \(GraphQL, Apollo Sandbox\): (\S+)/.exec(output)?.[1] ?? '';
  const systems = [...output.matchAll(/^ {2}\S.*? (http:\/\/127\.0\.0\.1:\d+\/)$/gm)].map(
    (m) => m[1] ?? '',
  );
  return { gateway, systems };
}

describe('npm start', () => {
  it('prints the gateway URL and the five business systems', () => {
    const { gateway, systems } = printedUrls();
    expect(gateway).toMatch(/^http:\/\/localhost:\d+\/$/);
    expect(systems).toHaveLength(5);
  });

  it('prints a curl command that returns one device with fields from all five systems', async () => {
    const lines = output.split('\n');
    const start = lines.findIndex((l) => l.trimStart().startsWith('curl '));
    const command = `${lines[start]?.replace(/\\$/, '') ?? ''} ${lines[start + 1] ?? ''}`;
    const { stdout } = await promisify(execFile)('bash', ['-c', command]);
    const device = (JSON.parse(stdout) as { data: { device: Record<string, unknown> } }).data
      .device;
    expect(device['heldBy']).toEqual(['asset', 'construction', 'monitoring', 'om', 'production']);
    expect(device['model']).toBe('SV-150K-HV'); // production
    expect(device['installLocation']).toBe('Block 1, inverter pad'); // construction
    expect(['RUNNING', 'STANDBY']).toContain(device['operatingStatus']); // monitoring
    expect(Array.isArray(device['maintenanceRecords'])).toBe(true); // O&M
    expect(device['assetStatus']).toBe('IN_SERVICE'); // asset
  });

  it('prints an analyst query that the rules refuse, and a tamper command that the ledger catches', async () => {
    const lines = output.split('\n');
    const curls = lines.flatMap((l, i) =>
      l.trimStart().startsWith('curl ') ? [`${l.replace(/\\$/, '')} ${lines[i + 1] ?? ''}`] : [],
    );
    expect(curls).toHaveLength(3);
    const refused = JSON.parse(
      (await promisify(execFile)('bash', ['-c', curls[1] ?? ''])).stdout,
    ) as { errors: { extensions: Record<string, unknown> }[] };
    expect(refused.errors[0]?.extensions).toMatchObject({
      code: 'FIELD_NOT_PERMITTED',
      fields: ['maintenanceRecords'],
    });
    // The quote prices the query without running it; the query then costs at most that.
    const quoted = JSON.parse(
      (await promisify(execFile)('bash', ['-c', curls[2] ?? ''])).stdout,
    ) as {
      data: null;
      extensions: {
        gridmark: { quote: { totalFen: number; fields: unknown[] }; charge?: unknown };
      };
    };
    expect(quoted.data).toBeNull();
    expect(quoted.extensions.gridmark.quote.totalFen).toBeGreaterThan(0);
    expect(quoted.extensions.gridmark.charge).toBeUndefined();
    const verified = JSON.parse(
      (await promisify(execFile)('bash', ['-c', curls[0] ?? ''])).stdout,
    ) as {
      extensions: {
        gridmark: {
          anchors: string[];
          values: Record<string, Record<string, { status: string; value?: unknown }>>;
          charge: { amountFen: number; tradeId: string; receipt: { merkleRoot: string } | null };
        };
      };
    };
    const values = Object.values(verified.extensions.gridmark.values).flatMap((byField) =>
      Object.values(byField),
    );
    expect(values.length).toBeGreaterThan(5);
    expect(verified.extensions.gridmark.charge.amountFen).toBeGreaterThan(0);
    expect(verified.extensions.gridmark.charge.amountFen).toBeLessThanOrEqual(
      quoted.extensions.gridmark.quote.totalFen,
    );
    expect(verified.extensions.gridmark.charge.receipt?.merkleRoot).toMatch(/^[0-9a-f]{64}$/);
    expect(values.every((v) => v.status === 'VERIFIED' || v.status === 'UNVERIFIED')).toBe(true);
    // The application saves what it received and proves it later against the ledger.
    const saved = join(dataDir, 'response.json');
    writeFileSync(saved, JSON.stringify(verified));
    const proof = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/gridmark.ts',
        'verify',
        saved,
        '--registry',
        new URL('/registry', printedUrls().gateway).toString(),
      ],
      { cwd: root },
    );
    expect(proof.stdout).toMatch(/recorded on the ledger/);
    expect(proof.stdout).toMatch(/\d+ values proven/);
    const status = Object.values(verified.extensions.gridmark.values)[0]?.['assetStatus'];
    expect(status?.value).toBe('IN_SERVICE');
    if (status) status.value = 'SCRAPPED';
    writeFileSync(saved, JSON.stringify(verified));
    const disproof = await new Promise<number>((resolve) =>
      execFile(
        process.execPath,
        [
          '--import',
          'tsx',
          'scripts/gridmark.ts',
          'verify',
          saved,
          '--registry',
          new URL('/registry', printedUrls().gateway).toString(),
        ],
        { cwd: root },
        (error) => resolve(error ? Number((error as { code?: number }).code) : 0),
      ),
    );
    expect(disproof).toBe(8);
    const device = /npm run demo:tamper -- (\S+)/.exec(output)?.[1] ?? '';
    await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'scripts/demo/tamper-demo.ts', device, '--data-dir', dataDir],
      { cwd: root },
    );
    const tampered = JSON.parse(
      (await promisify(execFile)('bash', ['-c', curls[0] ?? ''])).stdout,
    ) as {
      data: { device: Record<string, unknown> };
      errors: { extensions: Record<string, unknown> }[];
    };
    expect(tampered.data.device['assetStatus']).toBeNull();
    expect(tampered.data.device['model']).toBe('SV-150K-HV');
    expect(tampered.errors).toEqual([
      expect.objectContaining({
        extensions: expect.objectContaining({
          code: 'TAMPERED',
          device,
          field: 'assetStatus',
          system: 'asset',
        }) as unknown,
      }),
    ]);
  });

  it('walks through the money and credit commands it prints: balance, earnings, settlement, a tamperer dropping out', async () => {
    const exported = /export (GRIDMARK_REGISTRY=\S+) (GRIDMARK_API_KEY=\S+)/.exec(output);
    const env = {
      ...process.env,
      GRIDMARK_REGISTRY: exported?.[1]?.split('=')[1] ?? '',
      GRIDMARK_API_KEY: exported?.[2]?.split('=')[1] ?? '',
    };
    const gridmark = async (...args: string[]) =>
      (
        await promisify(execFile)(
          process.execPath,
          ['--import', 'tsx', 'scripts/gridmark.ts', ...args],
          { cwd: root, env },
        )
      ).stdout;
    const appId = /Application (APP-\d+)/.exec(output)?.[1] ?? '';
    expect(await gridmark('account', 'show', appId)).toMatch(/balance\s+\d+\.\d\d yuan/);
    const statement = await gridmark('finance', 'statement', '88.1001.5', '--json');
    const lines = (JSON.parse(statement) as { lines: { kind: string; amountFen: number }[] }).lines;
    expect(lines[0]).toMatchObject({ kind: 'REGISTRATION_FEE' });
    expect(lines.some((l) => l.kind === 'CHARGE' && l.amountFen > 0)).toBe(true);
    expect(await gridmark('finance', 'settle')).toMatch(/settlement 1: .* trade\(s\)/);
    expect(await gridmark('finance', 'reconcile')).toMatch(/0 pending, 0 refused/);
    // The previous test tampered with the asset register: two more queries and its enterprise is below 60.
    const curl =
      output
        .split('\n')
        .flatMap((l, i, all) =>
          l.trimStart().startsWith('curl ') ? [`${l.replace(/\\$/, '')} ${all[i + 1] ?? ''}`] : [],
        )[0] ?? '';
    for (let i = 0; i < 2; i++) await promisify(execFile)('bash', ['-c', curl]);
    const deadline = Date.now() + 10_000;
    let history = '';
    while ((history.match(/TAMPER/g) ?? []).length < 3 && Date.now() < deadline) {
      history = await gridmark('credit', 'history', '88.1001.5');
      await new Promise((res) => setTimeout(res, 200));
    }
    expect(history.match(/TAMPER/g)).toHaveLength(3);
    expect(history).toContain('60 -> 50');
    let after = '';
    while (!after.includes('GRAPHQL_VALIDATION_FAILED') && Date.now() < deadline) {
      after = (await promisify(execFile)('bash', ['-c', curl])).stdout;
      await new Promise((res) => setTimeout(res, 200));
    }
    expect(after).toContain('Cannot query field \\"assetStatus\\"');
  });

  it('answers a malformed identifier with BAD_IDENTIFIER over HTTP', async () => {
    const response = await fetch(printedUrls().gateway, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ device(id: "88.1001.1 PVI") { id } }' }),
    });
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]?.extensions.code).toBe('BAD_IDENTIFIER');
  });

  it('shuts down every process cleanly on Ctrl-C', async () => {
    const { gateway, systems } = printedUrls();
    if (demo.pid) process.kill(-demo.pid, 'SIGINT');
    expect(await exited).toBe(0);
    for (const url of [gateway, ...systems]) {
      await expect(fetch(url, { signal: AbortSignal.timeout(2_000) }), url).rejects.toThrow();
    }
  }, 30_000);
});
