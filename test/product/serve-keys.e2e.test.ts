import { chmodSync, cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readInitOutput, runGridmark, startServe } from './serve-process.js';

/*
 * The commands an operator runs around `gridmark serve`, as real processes: a key rotation with
 * its overlap, and the refusals that stop a start before anything is opened or created.
 */

const dir = mkdtempSync(join(tmpdir(), 'gridmark-keys-'));
let configFile = '';
let firstKid = '';

beforeAll(async () => {
  const made = await runGridmark(['init', '--dir', dir, '--port', '0']);
  expect(made.code).toBe(0);
  ({ configFile, kid: firstKid } = readInitOutput(made.stdout));
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('gridmark keys rotate', () => {
  it('adds a signing key; the gateway signs with it and publishes the earlier one for the overlap', async () => {
    const rotated = await runGridmark([
      'keys',
      'rotate',
      '--config',
      configFile,
      '--overlap',
      '7d',
    ]);
    expect(rotated.stderr).toBe('');
    expect(rotated.code).toBe(0);
    const newKid = /new signing key\s+(\S+)/.exec(rotated.stdout)?.[1] ?? '';
    expect(newKid).not.toBe(firstKid);
    expect(rotated.stdout).toContain(firstKid);
    const served = await startServe(configFile);
    try {
      expect(served.kid).toBe(newKid);
      const jwks = (await (await fetch(served.jwksUrl)).json()) as { keys: { kid: string }[] };
      expect(jwks.keys.map((k) => k.kid)).toEqual([newKid, firstKid]);
    } finally {
      expect(await served.stop()).toBe(0);
    }
    const bad = await runGridmark([
      'keys',
      'rotate',
      '--config',
      configFile,
      '--overlap',
      'a week',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--overlap');
  }, 180_000);
});

/** A copy of the initialized gateway, for a refusal to break without touching the others. */
function copyOfGateway(name: string): { readonly dir: string; readonly config: string } {
  const copy = join(dir, 'copies', name);
  for (const sub of ['data', 'keys']) cpSync(join(dir, sub), join(copy, sub), { recursive: true });
  cpSync(configFile, join(copy, 'gridmark.yaml'));
  return { dir: copy, config: join(copy, 'gridmark.yaml') };
}

describe('gridmark serve and init refuse', () => {
  it('over a loose key file, a missing or broken store, or a bad setting, naming each; and init refuses to make it again', async () => {
    const exposed = copyOfGateway('exposed');
    chmodSync(join(exposed.dir, 'keys', 'grant-keys.json'), 0o644);
    const missing = copyOfGateway('missing');
    const book = join(missing.dir, 'data', 'billing.db');
    rmSync(book);
    const broken = copyOfGateway('broken');
    const outbox = join(broken.dir, 'data', 'ledger-outbox.db');
    writeFileSync(outbox, 'not a database', { mode: 0o600 });
    const typo = join(dir, 'typo.yaml');
    writeFileSync(typo, 'listen:\n  prot: 4000\n');
    // Each its own process, side by side.
    const [initRun, keyRun, missingRun, brokenRun, typoRun, rangeRun] = await Promise.all([
      runGridmark(['init', '--dir', dir]),
      runGridmark(['serve', '--config', exposed.config]),
      runGridmark(['serve', '--config', missing.config]),
      runGridmark(['serve', '--config', broken.config]),
      runGridmark(['serve', '--config', typo]),
      runGridmark(['serve', '--config', configFile], { GRIDMARK_LISTEN_PORT: '70000' }),
    ]);
    // gridmark init over the existing gateway changes nothing.
    expect(initRun.code).toBe(2);
    expect(initRun.stderr).toContain('ALREADY_INITIALIZED');
    expect(initRun.stderr).toContain(configFile);
    expect(keyRun.code).toBe(8);
    expect(keyRun.stderr).toContain('KEY_FILE_EXPOSED');
    expect(keyRun.stderr).toContain(join(exposed.dir, 'keys', 'grant-keys.json'));
    expect(missingRun.code).toBe(8);
    expect(missingRun.stderr).toContain('DATA_FILE_MISSING');
    expect(missingRun.stderr).toContain(book);
    expect(existsSync(book)).toBe(false);
    expect(brokenRun.code).toBe(8);
    expect(brokenRun.stderr).toContain('DATA_FILE_UNREADABLE');
    expect(brokenRun.stderr).toContain(outbox);
    expect(typoRun.code).toBe(2);
    expect(typoRun.stderr).toContain('BAD_CONFIGURATION');
    expect(typoRun.stderr).toContain('listen.prot: unknown setting');
    expect(rangeRun.code).toBe(2);
    expect(rangeRun.stderr).toContain(
      'listen.port (from GRIDMARK_LISTEN_PORT): expected an integer from 0 to 65535',
    );
  }, 120_000);
});
