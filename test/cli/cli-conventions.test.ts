import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gridmarkNodeArgs } from '../support/gridmark-command.js';
import { loadCommands } from '../../scripts/cli/commands.js';
import type { CliCommand } from '../../scripts/cli/command.js';
import { resolveRegistryUrl } from '../../scripts/cli/cli-options.js';
import { runCli } from '../../scripts/cli/run-cli.js';

const ROOT = new URL('../..', import.meta.url).pathname;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The real `gridmark` process (compiled when the build is current), with only the environment given. */
function gridmark(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('GRIDMARK_')),
  );
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      gridmarkNodeArgs(args),
      { cwd: ROOT, env: { ...clean, ...env } },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** runCli in this process, its output collected. */
async function inProcess(args: readonly string[], commands: readonly CliCommand[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, commands, {
    out: (text) => (stdout += text),
    err: (text) => (stderr += text),
  });
  return { code, stdout, stderr };
}

/** Runs `body` with no GRIDMARK_ variable set, restoring the environment after. */
async function withoutGridmarkEnvironment<T>(body: () => Promise<T>): Promise<T> {
  const saved = { ...process.env };
  for (const name of Object.keys(process.env))
    if (name.startsWith('GRIDMARK_')) delete process.env[name];
  try {
    return await body();
  } finally {
    process.env = saved;
  }
}

describe('gridmark help', () => {
  let commands: readonly CliCommand[];
  beforeAll(async () => {
    commands = await loadCommands();
  });

  it('prints the usage and exits 0 on --help, -h, help and no arguments', async () => {
    const runs = [
      ...(await Promise.all([gridmark(['--help']), gridmark(['help'])])),
      await inProcess(['-h'], commands),
      await inProcess([], commands),
    ];
    for (const run of runs) {
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain('usage: gridmark <command> [options]');
      expect(run.stdout).toContain('gridmark ledger verify');
      expect(run.stderr).toBe('');
    }
  }, 60_000);

  it('prints the usage of every command on <command> --help and help <command>, exit 0', async () => {
    expect(commands.length).toBeGreaterThan(30);
    for (const command of commands) {
      for (const args of [
        [...command.path, '--help'],
        [...command.path, '-h'],
        ['help', ...command.path],
      ]) {
        const run = await inProcess(args, commands);
        expect(run, args.join(' ')).toEqual({ code: 0, stdout: `${command.usage}\n`, stderr: '' });
      }
    }
  });

  it("lists a group's commands on <group> --help and help <group>, exit 0", async () => {
    const groups = new Set(commands.filter((c) => c.path.length > 1).map((c) => c.path[0] ?? ''));
    expect(groups).toContain('ledger');
    for (const group of groups) {
      const members = commands.filter((c) => c.path[0] === group && c.path.length > 1);
      for (const args of [
        [group, '--help'],
        ['help', group],
      ]) {
        const run = await inProcess(args, commands);
        expect(run.code, args.join(' ')).toBe(0);
        for (const member of members) expect(run.stdout).toContain(member.path.join(' '));
      }
    }
  });

  it('refuses an unknown command with UNKNOWN_COMMAND, exit 2, the usage on standard error', async () => {
    const run = await gridmark(['frobnicate', '--registry', 'http://127.0.0.1:9/registry']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('UNKNOWN_COMMAND');
    expect(run.stderr).toContain('gridmark frobnicate');
    expect(run.stderr).toContain('usage: gridmark <command>');
    const help = await inProcess(['help', 'frobnicate'], commands);
    expect(help.code).toBe(2);
    expect(help.stderr).toContain('UNKNOWN_COMMAND');
  }, 60_000);

  it('refuses a group named without one of its commands, listing them', async () => {
    const run = await inProcess(['ledger'], commands);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('UNKNOWN_COMMAND');
    expect(run.stderr).toContain('gridmark ledger verify');
    expect(run.stderr).not.toContain('gridmark enterprise apply');
  });
});

describe('where the CLI finds the registry', () => {
  let dir: string;
  let server: Server;
  let port: number;
  const seen: { path: string; authorization: string | undefined }[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gridmark-cli-registry-'));
    // A stand-in registry API that records where it was called and with what key.
    server = createServer((request: IncomingMessage, response) => {
      seen.push({ path: request.url ?? '', authorization: request.headers.authorization });
      request.resume();
      request.on('end', () => {
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ data: { system: { code: '88.1001.9', name: 'Stand-in' } } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('says which flag or variable to set when nothing gives the URL, and calls nobody', async () => {
    const before = seen.length;
    const commands = await loadCommands();
    for (const run of [
      await gridmark(['system', 'show', '88.1001.1']),
      await withoutGridmarkEnvironment(() =>
        inProcess(['id', 'show', '88.1001.1/PVI-000001'], commands),
      ),
    ]) {
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toContain('REGISTRY_NOT_SET');
      for (const name of ['--registry', 'GRIDMARK_REGISTRY', '--config', 'GRIDMARK_CONFIG'])
        expect(run.stderr).toContain(name);
    }
    expect(seen.length).toBe(before);
  }, 60_000);

  it('takes --registry first, then GRIDMARK_REGISTRY, then the configuration file', async () => {
    const config = join(dir, 'gridmark.yaml');
    writeFileSync(config, `listen:\n  host: 0.0.0.0\n  port: ${port}\n`);
    const flag = `http://127.0.0.1:${port}/from-flag`;
    const env = `http://127.0.0.1:${port}/from-env`;
    const saved = { ...process.env };
    try {
      process.env['GRIDMARK_REGISTRY'] = env;
      process.env['GRIDMARK_CONFIG'] = config;
      expect(await resolveRegistryUrl({ registry: flag })).toBe(flag);
      expect(await resolveRegistryUrl({})).toBe(env);
      delete process.env['GRIDMARK_REGISTRY'];
      expect(await resolveRegistryUrl({})).toBe(`http://127.0.0.1:${port}/registry`);
      writeFileSync(join(dir, 'cert.pem'), '');
      writeFileSync(join(dir, 'key.pem'), '');
      writeFileSync(
        join(dir, 'tls.json'),
        JSON.stringify({
          listen: { host: 'gateway.example', port: 8443 },
          tls: { cert: 'cert.pem', key: 'key.pem' },
        }),
      );
      expect(await resolveRegistryUrl({ config: join(dir, 'tls.json') })).toBe(
        'https://gateway.example:8443/registry',
      );
      // The file's settings under the environment's, as the gateway reads them.
      process.env['GRIDMARK_LISTEN_PORT'] = '4555';
      expect(await resolveRegistryUrl({})).toBe('http://127.0.0.1:4555/registry');
      delete process.env['GRIDMARK_LISTEN_PORT'];
      writeFileSync(join(dir, 'picked.yaml'), 'listen:\n  port: 0\n');
      await expect(resolveRegistryUrl({ config: join(dir, 'picked.yaml') })).rejects.toMatchObject({
        code: 'BAD_CONFIGURATION',
      });
    } finally {
      process.env = saved;
    }
  }, 60_000);

  it('calls the registry the configuration file names, with the key from GRIDMARK_API_KEY', async () => {
    const config = join(dir, 'served.yaml');
    writeFileSync(config, `listen:\n  host: 127.0.0.1\n  port: ${port}\n`);
    const before = seen.length;
    const run = await gridmark(['system', 'show', '88.1001.9', '--config', config], {
      GRIDMARK_API_KEY: 'gmk_from_environment',
    });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ code: '88.1001.9' });
    expect(seen.slice(before)).toEqual([
      { path: '/registry', authorization: 'Bearer gmk_from_environment' },
    ]);
  }, 60_000);

  it('names the configuration file that cannot be read, exit 2', async () => {
    const missing = join(dir, 'missing.yaml');
    const run = await withoutGridmarkEnvironment(async () => {
      process.env['GRIDMARK_CONFIG'] = missing;
      return inProcess(['system', 'show', '88.1001.9'], await loadCommands());
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('BAD_CONFIGURATION');
    expect(run.stderr).toContain(missing);
  }, 60_000);
});
