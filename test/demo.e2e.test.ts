import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
let restarted: ChildProcess | undefined;

/** Runs `npm start`'s command over `dataDir` until its banner shows; its output so far. */
async function startDemo(): Promise<{
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}> {
  const [command = 'node', ...args] = startScript.split(' ');
  // Its own process group, so the test can send Ctrl-C to the whole group as a terminal does.
  const child = spawn(command, [...args, '--port', '0', '--data-dir', dataDir], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, GRIDMARK_LOG_LEVEL: 'warn' },
  });
  let text = '';
  const done = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  // Six processes start on a busy machine, and the five systems anchor every value first.
  const deadline = Date.now() + 150_000;
  while (!text.includes('Press Ctrl-C to stop.')) {
    if (Date.now() > deadline || child.exitCode !== null)
      throw new Error(`the demo did not start:\n${text}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, output: () => text, exited: done };
}

beforeAll(async () => {
  const started = await startDemo();
  demo = started.child;
  exited = started.exited;
  output = started.output();
  started.child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  started.child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
}, 180_000);

afterAll(() => {
  for (const child of [demo, restarted])
    if (child && child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

/** The command line of process `pid`, from /proc. */
function commandLine(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
}

/** The ids of the processes whose parent is `pid`. */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        // The parent id is the second field after the command's closing parenthesis.
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** The key ids of the gateway's published grant keys. */
async function jwksKids(gateway: string): Promise<string[]> {
  const response = await fetch(new URL('/.well-known/jwks.json', gateway));
  return ((await response.json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
}

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
  }, 120_000);

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
  }, 120_000);

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
  }, 120_000);

  it('answers a malformed identifier with BAD_IDENTIFIER over HTTP', async () => {
    const response = await fetch(printedUrls().gateway, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ device(id: "88.1001.1 PVI") { id } }' }),
    });
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]?.extensions.code).toBe('BAD_IDENTIFIER');
  });

  it('runs what an operator runs: gridmark serve --config and five gridmark system serve processes', async () => {
    const pid = Number(/\(pid (\d+), grant key (\S+)\)/.exec(output)?.[1]);
    const serve = commandLine(pid);
    expect(serve.slice(-3)).toEqual(['serve', '--config', join(dataDir, 'gateway.yaml')]);
    expect(serve.some((a) => /scripts\/gridmark\.(js|ts)$/.test(a))).toBe(true);
    const children = childrenOf(demo.pid ?? 0).map(commandLine);
    expect(children).toContainEqual(serve);
    const systems = children.filter((c) => c.includes('system'));
    expect(systems.map((c) => c.slice(-4))).toEqual(
      expect.arrayContaining(
        ['production', 'construction', 'monitoring', 'om', 'asset'].map((name) => [
          'system',
          'serve',
          '--config',
          expect.stringMatching(new RegExp(`/${name}\\.system\\.yaml$`)) as unknown,
        ]),
      ),
    );
    expect(systems).toHaveLength(5);
    // The key set the systems fetch names the key the banner printed, signing first.
    const kid = /\(pid \d+, grant key (\S+)\)/.exec(output)?.[1];
    expect((await jwksKids(printedUrls().gateway))[0]).toBe(kid);
  });

  it('shuts down every process cleanly on Ctrl-C', async () => {
    const { gateway, systems } = printedUrls();
    if (demo.pid) process.kill(-demo.pid, 'SIGINT');
    expect(await exited).toBe(0);
    for (const url of [gateway, ...systems]) {
      await expect(fetch(url, { signal: AbortSignal.timeout(2_000) }), url).rejects.toThrow();
    }
  }, 30_000);

  it('starts again over the same data directory with the same grant key, admin key and data', async () => {
    const again = await startDemo();
    restarted = again.child;
    const text = again.output();
    const first = {
      kid: /grant key (\S+)\)/.exec(output)?.[1],
      admin: /GRIDMARK_API_KEY=(\S+)/.exec(output)?.[1],
      app: /Application (APP-\d+)/.exec(output)?.[1],
    };
    expect(/grant key (\S+)\)/.exec(text)?.[1]).toBe(first.kid);
    expect(/GRIDMARK_API_KEY=(\S+)/.exec(text)?.[1]).toBe(first.admin);
    expect(/Application (APP-\d+)/.exec(text)?.[1]).toBe(first.app);
    // Not seeded or funded again: the first run's charges are still off the opening balance.
    expect(text).not.toContain('seeded the demo plant');
    expect(/Its prepaid balance: (\S+) yuan/.exec(text)?.[1]).not.toBe('1000.00');
    const gateway = /Gateway \(GraphQL, Apollo Sandbox\): (\S+)/.exec(text)?.[1] ?? '';
    expect(await jwksKids(gateway)).toEqual([first.kid]);
    if (again.child.pid) process.kill(-again.child.pid, 'SIGINT');
    expect(await again.exited).toBe(0);
  }, 200_000);
});
