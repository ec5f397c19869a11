import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCommands } from '../../scripts/cli/commands.js';
import { runCli } from '../../scripts/cli/run-cli.js';
import { CHECK_NAMES, type ConformanceReport } from '../../subgraphs/index.js';
import {
  startConformanceNetwork,
  startKitSystem,
  type ConformanceNetwork,
  type KitSystem,
} from './conformance-network.js';

/**
 * `gridmark system check` against a business system built with the subgraph kit, over real HTTP,
 * with its values anchored on the network's ledger: every check passes.
 */
let network: ConformanceNetwork;
let maker: KitSystem;

beforeAll(async () => {
  network = await startConformanceNetwork();
  maker = await startKitSystem(network, { name: 'maker', creditCode: '91320500MA1N7PXK3R' });
}, 60_000);

afterAll(async () => {
  await maker?.stop();
  await network?.stop();
});

async function gridmark(args: readonly string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, await loadCommands(), {
    out: (text) => (stdout += text),
    err: (text) => (stderr += text),
  });
  return { code, stdout, stderr };
}

describe('gridmark system check against a kit system', () => {
  it('passes every check, reading the devices and the anchors through the registry', async () => {
    const run = await gridmark([
      'system',
      'check',
      maker.url,
      '--grant-key-file',
      network.grantKeyFile,
      '--registry',
      network.registryUrl,
      '--system-code',
      maker.code,
      '--key-file',
      maker.apiKeyFile,
      '--json',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as ConformanceReport;
    expect(report.audience).toBe('maker');
    expect(report.devices).toEqual(maker.devices);
    expect(report.results.map((r) => r.name)).toEqual(CHECK_NAMES);
    expect(report.results.filter((r) => r.status !== 'PASS')).toEqual([]);
    expect(report.results.find((r) => r.name === 'proofs-match-anchors')?.reason).toBe(
      '9 value(s) hash to their anchors on the ledger',
    );
    expect(report.conformant).toBe(true);
  }, 60_000);

  it('prints a table, and skips the ledger with no registry, given the devices and audience', async () => {
    const run = await gridmark([
      'system',
      'check',
      maker.url,
      '--grant-key-file',
      network.grantKeyFile,
      '--audience',
      'maker',
      '--device',
      maker.devices[0] ?? '',
      '--device',
      maker.devices[1] ?? '',
    ]);
    // Without a registry the proofs cannot be compared with the ledger: not shown conformant.
    expect(run.code).toBe(8);
    expect(run.stderr).toContain(
      'NOT_CONFORMANT: 1 check(s) could not run, so conformance is not shown: proofs-match-anchors.',
    );
    expect(run.stdout).toMatch(/^CHECK\s+STATUS\s+REASON$/m);
    expect(run.stdout).toMatch(/^grant-forged\s+PASS\s+a grant signed by another key/m);
    expect(run.stdout).toMatch(
      /^proofs-match-anchors\s+SKIP\s+6 value\(s\) carry proofs; no registry given/m,
    );
    expect(run.stdout).toContain('22 checks: 21 passed, 0 failed, 1 skipped, 0 not applicable');
  }, 60_000);

  it('signs with the grant key of the gateway configuration that gridmark init made', async () => {
    const dir = join(network.dir, 'gateway');
    const init = await gridmark(['init', '--dir', dir, '--port', '4999']);
    expect(init.code).toBe(0);
    const gateway = await import('../../gateway/index.js');
    const loaded = gateway.loadGatewayConfig(join(dir, 'gridmark.yaml'));
    const paths = gateway.resolveConfigPaths(loaded.config, loaded.baseDirectory);
    const trusted = gateway.readGrantKeyFile(paths.grantKeyFile).signing.publicKey;
    const other = await startKitSystem(network, {
      name: 'builder',
      creditCode: '91640100MA77LQ3F21',
      trusts: trusted,
    });
    try {
      const args = ['system', 'check', other.url, '--registry', network.registryUrl];
      const run = await gridmark([
        ...args,
        '--config',
        join(dir, 'gridmark.yaml'),
        '--system-code',
        other.code,
        '--key-file',
        other.apiKeyFile,
      ]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('22 checks: 22 passed, 0 failed, 0 skipped, 0 not applicable');
      // The network's own key is not one this system trusts: its valid grants are refused.
      const stranger = await gridmark([
        ...args,
        '--grant-key-file',
        network.grantKeyFile,
        '--system-code',
        other.code,
        '--key-file',
        other.apiKeyFile,
      ]);
      expect(stranger.code).toBe(8);
      expect(stranger.stdout).toMatch(
        /^entities-in-order\s+FAIL\s+refused a valid grant \(GRANT_REFUSED UNKNOWN_KEY\)$/m,
      );
    } finally {
      await other.stop();
    }
  }, 90_000);

  it('refuses to run without the key the system trusts, or with a key others may read', async () => {
    const env = process.env['GRIDMARK_CONFIG'];
    delete process.env['GRIDMARK_CONFIG'];
    try {
      const run = await gridmark(['system', 'check', maker.url, '--audience', 'maker']);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('BAD_CONFIGURATION');
      expect(run.stderr).toContain('--grant-key-file');
    } finally {
      if (env !== undefined) process.env['GRIDMARK_CONFIG'] = env;
    }
    const { chmodSync } = await import('node:fs');
    chmodSync(network.grantKeyFile, 0o644);
    try {
      const run = await gridmark([
        'system',
        'check',
        maker.url,
        '--grant-key-file',
        network.grantKeyFile,
        '--audience',
        'maker',
        '--device',
        maker.devices[0] ?? '',
      ]);
      expect(run.code).toBe(8);
      expect(run.stderr).toContain('KEY_FILE_EXPOSED');
    } finally {
      chmodSync(network.grantKeyFile, 0o600);
    }
  }, 60_000);
});
