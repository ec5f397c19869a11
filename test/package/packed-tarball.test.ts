import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBuildCurrent } from '../support/gridmark-command.js';

/**
 * The package as a user gets it: `npm pack` (which builds), installed into a new project from
 * the tarball, and run on plain Node, without tsx or any loader. Slow by nature (a build, an
 * install of some 400 packages from the npm cache), so it is one file with generous timeouts.
 */

const ROOT = new URL('../..', import.meta.url).pathname;
const run = promisify(execFile);
const NPM_ENV = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' };

interface Exit {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs plain `node` (this process's binary, no --import) in `cwd`; resolves with the exit code. */
function node(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Exit> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...args],
      { cwd, env: { ...withoutGridmarkVariables(), ...env }, timeout: 120_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function withoutGridmarkVariables(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !name.startsWith('GRIDMARK_') && name !== 'NODE_OPTIONS',
    ),
  );
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

const PROBE = `
import { defineSubgraph, serveSubgraph } from 'gridmark/subgraphs';

const weather = defineSubgraph({
  name: 'weather',
  title: 'Weather stations',
  fields: [{ name: 'irradianceWm2', type: 'Float', description: 'Irradiance.', unit: 'W/m2' }],
  loadDevices: async (ids) => new Map(ids.map((id) => [id, { irradianceWm2: 812 }])),
});
const running = await serveSubgraph(weather, { port: 0, host: '127.0.0.1' });
try {
  const response = await fetch(running.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ _service { sdl } }' }),
  });
  process.stdout.write(JSON.stringify({ status: response.status, body: await response.json() }));
} finally {
  await running.stop();
}
`;

/** The same use in TypeScript, checked against the package's declarations. */
const TYPED_PROBE = `
import { defineSubgraph, type RunningSubgraph } from 'gridmark/subgraphs';
import { createGateway } from 'gridmark/gateway';
import { parseIdentifier } from 'gridmark/schema';
import { createLedger } from 'gridmark/ledger-adapter';
import { createTestNetwork } from 'gridmark/testing';
import { createFabricLedgerClient } from 'gridmark/ledger-adapter/fabric';

export const weather = defineSubgraph({
  name: 'weather',
  title: 'Weather stations',
  fields: [{ name: 'irradianceWm2', type: 'Float', description: 'Irradiance.' }],
  loadDevices: async (ids: readonly string[]) => new Map(ids.map((id) => [id, { irradianceWm2: 1 }])),
});
export const used = [createGateway, parseIdentifier, createLedger, createTestNetwork, createFabricLedgerClient];
export let running: RunningSubgraph | undefined;
// @ts-expect-error a misspelled export is refused: the declarations are checked, not any
export { defineSubgraf } from 'gridmark/subgraphs';
`;

describe('the packed package', () => {
  let dir: string;
  let project: string;
  let tarball: string;
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gridmark-pack-'));
    let started = Date.now();
    // npm pack runs prepack, which builds dist/; when this run's build (npm test builds first) is
    // current, packing what it built saves a second build.
    const prepack = isBuildCurrent() ? ['--ignore-scripts'] : [];
    process.stdout.write(
      `packed-tarball: ${prepack.length > 0 ? 'packs the current build' : 'npm pack builds first'}\n`,
    );
    await run('npm', ['pack', '--pack-destination', dir, ...prepack], {
      cwd: ROOT,
      env: NPM_ENV,
      maxBuffer: 64 * 1024 * 1024,
    });
    timings['pack'] = Date.now() - started;
    const packed = readdirSync(dir).find((name) => name.endsWith('.tgz'));
    if (packed === undefined) throw new Error(`npm pack left no tarball in ${dir}`);
    tarball = join(dir, packed);
    project = join(dir, 'project');
    mkdirSync(project);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'probe', version: '1.0.0', private: true, type: 'module' }),
    );
    started = Date.now();
    // Install scripts are skipped: the only one that matters, better-sqlite3's, compiles SQLite
    // for minutes; the same version's binary, built for this Node, is copied in below instead.
    await run('npm', ['install', tarball, '--prefer-offline', '--ignore-scripts'], {
      cwd: project,
      env: NPM_ENV,
      maxBuffer: 64 * 1024 * 1024,
    });
    cpSync(
      join(ROOT, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'),
      join(project, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'),
    );
    timings['install'] = Date.now() - started;
  }, 600_000);

  afterAll(async () => {
    process.stdout.write(`packed-tarball timings (ms): ${JSON.stringify(timings)}\n`);
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  }, 300_000);

  it('holds the compiled JavaScript, its declarations and the binary, and no sources, tests or data', async () => {
    const { stdout } = await run('tar', ['-tzf', tarball], { maxBuffer: 64 * 1024 * 1024 });
    const files = stdout.split('\n').filter((line) => line !== '');
    for (const entry of [
      'subgraphs/index',
      'gateway/index',
      'gateway/testing/index',
      'schema/index',
      'ledger-adapter/index',
      'ledger-adapter/fabric/index',
    ]) {
      expect(files).toContain(`package/dist/${entry}.js`);
      expect(files).toContain(`package/dist/${entry}.d.ts`);
    }
    expect(files).toContain('package/dist/scripts/gridmark.js');
    expect(files).toContain('package/scripts/gridmark-bin.js');
    expect(files).toContain('package/LICENSE');
    const strays = files.filter(
      (f) =>
        /\.test\.|\/test\/|\/data\/|\.tsbuildinfo$|\.db$/.test(f) ||
        (f.endsWith('.ts') && !f.endsWith('.d.ts')),
    );
    expect(strays).toEqual([]);
    expect(existsSync(join(project, 'node_modules/tsx')), 'tsx is not a runtime dependency').toBe(
      false,
    );
  });

  it('serves a business system from gridmark/subgraphs on plain node', async () => {
    writeFileSync(join(project, 'probe.mjs'), PROBE);
    const started = Date.now();
    const exit = await node(project, ['probe.mjs']);
    timings['subgraph'] = Date.now() - started;
    expect(exit.code, exit.stderr).toBe(0);
    const { status, body } = JSON.parse(exit.stdout) as {
      status: number;
      body: { data: { _service: { sdl: string } } };
    };
    expect(status).toBe(200);
    expect(body.data._service.sdl).toContain('irradianceWm2');
    expect(body.data._service.sdl).toContain('Device');
  }, 120_000);

  it("type-checks a user's TypeScript against the package's declarations", async () => {
    writeFileSync(join(project, 'probe.ts'), TYPED_PROBE);
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: [],
        },
        files: ['probe.ts'],
      }),
    );
    const started = Date.now();
    const exit = await node(project, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', '.']);
    timings['tsc'] = Date.now() - started;
    expect(exit.code, exit.stdout + exit.stderr).toBe(0);
  }, 180_000);

  it('runs the installed gridmark binary: --help exits 0 with the usage', async () => {
    const bin = join(project, 'node_modules/.bin/gridmark');
    const help = await node(project, [bin, '--help']);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain('usage: gridmark <command>');
    const unknown = await node(project, [bin, 'no-such-command']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('UNKNOWN_COMMAND');
  }, 120_000);

  it('makes a gateway with the installed gridmark init, serves it with gridmark serve --config, and its CLI finds it', async () => {
    const bin = join(project, 'node_modules/.bin/gridmark');
    const port = await freePort();
    let started = Date.now();
    const init = await node(project, [bin, 'init', '--dir', 'gateway', '--port', String(port)]);
    timings['init'] = Date.now() - started;
    expect(init.code, init.stderr).toBe(0);
    const adminKey = /gmk_\S+/.exec(init.stdout)?.[0];
    expect(adminKey, init.stdout).toBeDefined();
    const config = join(project, 'gateway/gridmark.yaml');
    expect(existsSync(config)).toBe(true);

    started = Date.now();
    const serve = spawn(process.execPath, [bin, 'serve', '--config', config], {
      cwd: project,
      env: withoutGridmarkVariables(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const output = await servingOutput(serve);
      expect(output).toContain(`registry  http://127.0.0.1:${port}/registry`);
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      timings['serve'] = Date.now() - started;
      expect(health.status).toBe(200);
      // The installed CLI reaches the registry through the configuration file, with the admin key.
      const admin = { GRIDMARK_API_KEY: adminKey ?? '' };
      const created = await node(
        project,
        [
          bin,
          'enterprise',
          'create',
          '--credit-code',
          '91640000227694411F',
          '--name',
          'Weather Co.',
          '--config',
          config,
        ],
        admin,
      );
      expect(created.code, created.stderr).toBe(0);
      const listed = await node(project, [bin, 'enterprise', 'list', '--config', config], admin);
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stdout).toMatch(/91640000227694411F APPROVED +Weather Co\./);
    } finally {
      const exited = new Promise<number | null>((resolve) => serve.once('exit', resolve));
      serve.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  }, 240_000);
});

/** The serve process's standard output once it prints where it serves; rejects if it exits first. */
function servingOutput(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('Stop with')) resolve(stdout);
    });
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) =>
      reject(new Error(`gridmark serve exited with ${code}: ${stdout}${stderr}`)),
    );
  });
}
