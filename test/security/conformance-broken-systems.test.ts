import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSubgraphSchema } from '../../gateway/index.js';
import {
  checkBusinessSystem,
  createRegistryReader,
  grantSigningKey,
  type ConformanceReport,
} from '../../subgraphs/index.js';
import { runGridmark } from '../fixtures/gridmark-cli.js';
import {
  serveBrokenSystem,
  type BrokenSystem,
  type Weakness,
} from '../protocol/conformance-broken-front.js';
import {
  startConformanceNetwork,
  startKitSystem,
  type ConformanceNetwork,
  type KitSystem,
} from '../protocol/conformance-network.js';

/**
 * Business systems that get one part of the protocol wrong, each a real HTTP server in front of a
 * kit system: the check that covers the mistake fails, and `gridmark system check` exits non-zero.
 */
let network: ConformanceNetwork;
let maker: KitSystem;
const broken: BrokenSystem[] = [];

beforeAll(async () => {
  network = await startConformanceNetwork();
  maker = await startKitSystem(network, { name: 'maker', creditCode: '91320500MA1N7PXK3R' });
}, 60_000);

afterAll(async () => {
  for (const system of broken) await system.stop();
  await maker?.stop();
  await network?.stop();
});

async function brokenSystem(weakness: Weakness): Promise<BrokenSystem> {
  const system = await serveBrokenSystem({
    weakness,
    behind: maker.url,
    audience: maker.subgraphName,
    gatewayKey: network.signingKey,
    gatewayPublicKey: network.publicKey,
  });
  broken.push(system);
  return system;
}

async function checkAt(url: string): Promise<ConformanceReport> {
  return checkBusinessSystem({
    url,
    signingKey: grantSigningKey(network.signingKey),
    systemCode: maker.code,
    registry: createRegistryReader({
      url: network.registryUrl,
      apiKey: readFileSync(maker.apiKeyFile, 'utf8'),
    }),
    schemaRules: checkSubgraphSchema,
    // Each stands in front of the registered system, at another URL.
    unregisteredUrl: true,
  });
}

const failed = (report: ConformanceReport) =>
  report.results.filter((r) => r.status === 'FAIL').map((r) => r.name);

describe('the conformance checks against broken business systems', () => {
  it('fail a system that accepts a replayed grant', async () => {
    const report = await checkAt((await brokenSystem('accepts-replays')).url);
    expect(failed(report)).toEqual(['grant-replayed']);
    expect(report.results.find((r) => r.name === 'grant-replayed')?.reason).toMatch(
      /^served \d+ value\(s\) with the same grant a second time$/,
    );
    expect(report.conformant).toBe(false);
  }, 60_000);

  it('fail a system that ignores the audience', async () => {
    const report = await checkAt((await brokenSystem('ignores-audience')).url);
    expect(failed(report)).toEqual(['grant-wrong-system']);
    expect(report.results.find((r) => r.name === 'grant-wrong-system')?.reason).toMatch(
      /^served \d+ value\(s\) with a grant for another system$/,
    );
  }, 60_000);

  it('fail a system that ignores the expiry', async () => {
    const report = await checkAt((await brokenSystem('ignores-expiry')).url);
    expect(failed(report)).toEqual(['grant-expired']);
  }, 60_000);

  it('fail a system that serves a salt that does not hash to the anchor', async () => {
    const report = await checkAt((await brokenSystem('wrong-salt')).url);
    expect(failed(report)).toEqual(['proofs-match-anchors']);
    expect(report.results.find((r) => r.name === 'proofs-match-anchors')?.reason).toMatch(
      /value and salt do not hash to the anchored commitment/,
    );
  }, 60_000);

  it('fail a system whose schema adds a root field', async () => {
    const report = await checkAt((await brokenSystem('breaks-schema-rules')).url);
    expect(failed(report)).toEqual(['schema-rules']);
    expect(report.results.find((r) => r.name === 'schema-rules')?.reason).toMatch(/Query\.secrets/);
  }, 60_000);

  it('passes the same kit system when nothing stands in front of it', async () => {
    const report = await checkBusinessSystem({
      url: maker.url,
      signingKey: grantSigningKey(network.signingKey),
      systemCode: maker.code,
      registry: createRegistryReader({
        url: network.registryUrl,
        apiKey: readFileSync(maker.apiKeyFile, 'utf8'),
      }),
      schemaRules: checkSubgraphSchema,
    });
    expect(failed(report)).toEqual([]);
    expect(report.conformant).toBe(true);
  }, 60_000);

  it('exits NOT_CONFORMANT (8) from the gridmark process, naming the failed check', async () => {
    const system = await brokenSystem('accepts-replays');
    const run = await runGridmark(network.registryUrl, [
      'system',
      'check',
      system.url,
      '--grant-key-file',
      network.grantKeyFile,
      '--system-code',
      maker.code,
      '--key-file',
      maker.apiKeyFile,
      '--unregistered-url',
    ]);
    expect(run.code).toBe(8);
    expect(run.stdout).toMatch(/^grant-replayed\s+FAIL\s+served \d+ value\(s\)/m);
    expect(run.stdout).toMatch(/^grant-expired\s+PASS\s+/m);
    expect(run.stderr).toContain(
      'gridmark system check: NOT_CONFORMANT: 1 check(s) failed: grant-replayed.',
    );
  }, 90_000);
});
