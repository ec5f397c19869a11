import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createGateway,
  createRegistry,
  openSqliteRegistryStore,
  type Caller,
  type Gateway,
  type Registry,
} from '../gateway/index.js';
import { onboardEnterprise } from '../gateway/testing/index.js';
import { createLedger, type LedgerAdapter } from '../ledger-adapter/index.js';
import { silentLogger } from '../schema/index.js';

/**
 * A business system reads its own identifiers and anchoring state through the registry API, over
 * real HTTP: what the ledger holds per field, what waits, and what failed verification and why.
 */
const ADMIN: Caller = { role: 'PLATFORM_ADMIN', keyId: 'test', label: 'test' };
const SDL = (fields: string) =>
  `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\ntype Device @key(fields: "id") { id: ID! ${fields} }`;
const SDLS: Record<string, string> = {
  maker: SDL('model: String brand: String'),
  scada: SDL('outputPowerW: Float'),
};
const dir = mkdtempSync(join(tmpdir(), 'gridmark-self-service-'));
let ledger: LedgerAdapter;
let registry: Registry;
let gateway: Gateway;
let base = '';
const keys = { maker: '', scada: '' };
let modelCode = '';
let anchorTx = '';

type GraphqlError = { message: string; extensions?: Record<string, unknown> };
async function api<T>(query: string, variables: Record<string, unknown>, key: string) {
  const response = await fetch(new URL('/registry', base), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: T | null; errors?: GraphqlError[] };
}

async function registerSystem(name: string, creditCode: string): Promise<string> {
  const { caller } = await onboardEnterprise(registry, { creditCode, name });
  const { apiKey } = await registry.registerSystem(caller, {
    creditCode,
    systemName: name,
    subgraphName: name,
    description: name,
    url: `http://${name}.test/`,
  });
  return apiKey;
}

beforeAll(async () => {
  ledger = await createLedger({ kind: 'embedded', path: join(dir, 'ledger.db') });
  registry = createRegistry({
    store: openSqliteRegistryStore({ path: join(dir, 'registry.db') }),
    authorityPrefix: '88.1001',
    ledger,
    logger: silentLogger,
    probeSubgraph: (name) => Promise.resolve(SDLS[name] ?? ''),
  });
  keys.maker = await registerSystem('maker', '91320500MA1N7PXK3R');
  keys.scada = await registerSystem('scada', '91640100MA77LQ3F21');
  const fields = await registry.registerFields(ADMIN, '88.1001.1', [
    { name: 'model' },
    { name: 'brand' },
  ]);
  modelCode = fields.find((f) => f.name === 'model')?.code ?? '';
  await registry.registerFields(ADMIN, '88.1001.2', [{ name: 'outputPowerW' }]);
  await registry.registerDevices(ADMIN, '88.1001.1', [
    { localCode: 'INV-1', kind: 'INVERTER' },
    { localCode: 'INV-2', kind: 'INVERTER' },
    { localCode: 'MTR-1', kind: 'METER' },
  ]);
  await registry.claimDevices(ADMIN, '88.1001.2', [
    { identifier: '88.1001.1/INV-1', localCode: 'S.INV1' },
  ]);
  gateway = createGateway({ registry, logger: silentLogger, mode: 'development' });
  await gateway.start();
  base = await gateway.listen(0);
  const anchored = await api<{ anchorCommitments: { txId: string } }>(
    'mutation ($c: [CommitmentInput!]!) { anchorCommitments(systemCode: "88.1001.1", commitments: $c) { count txId } }',
    {
      c: ['INV-1', 'INV-2'].map((d) => ({
        deviceId: `88.1001.1/${d}`,
        fieldCode: modelCode,
        commitment: 'a'.repeat(64),
      })),
    },
    keys.maker,
  );
  expect(anchored.errors).toBeUndefined();
  anchorTx = anchored.data?.anchorCommitments.txId ?? '';
  await registry.penalizeTampering('88.1001.1', {
    deviceId: '88.1001.1/INV-2',
    fieldCode: modelCode,
  });
  await registry.penalizeFailedVerification('88.1001.1', {
    resolutionId: null,
    fieldCodes: [modelCode],
  });
  await registry.flushLedgerEvidence();
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  await registry?.close();
  await ledger?.close();
  rmSync(dir, { recursive: true, force: true });
});

const IDENTIFIERS = `query ($code: ID!, $after: String, $limit: Int) {
  systemIdentifiers(code: $code, after: $after, limit: $limit) {
    items { identifier localCode kind status issuerCode } nextCursor } }`;
type Page = {
  systemIdentifiers: { items: Record<string, string>[]; nextCursor: string | null };
};

describe('a system lists its own identifiers', () => {
  it('pages through them in identifier order with their local codes and kinds', async () => {
    const first = await api<Page>(IDENTIFIERS, { code: '88.1001.1', limit: 2 }, keys.maker);
    expect(first.errors).toBeUndefined();
    expect(first.data?.systemIdentifiers).toEqual({
      items: [
        {
          identifier: '88.1001.1/INV-1',
          localCode: 'INV-1',
          kind: 'INVERTER',
          status: 'ACTIVE',
          issuerCode: '88.1001.1',
        },
        expect.objectContaining({ identifier: '88.1001.1/INV-2', localCode: 'INV-2' }),
      ],
      nextCursor: '88.1001.1/INV-2',
    });
    const rest = await api<Page>(
      IDENTIFIERS,
      { code: '88.1001.1', after: first.data?.systemIdentifiers.nextCursor, limit: 2 },
      keys.maker,
    );
    expect(rest.data?.systemIdentifiers).toEqual({
      items: [expect.objectContaining({ identifier: '88.1001.1/MTR-1', kind: 'METER' })],
      nextCursor: null,
    });
  });

  it('shows a claimed device under the local code the system gave it, issued by another', async () => {
    const page = await api<Page>(IDENTIFIERS, { code: '88.1001.2' }, keys.scada);
    expect(page.data?.systemIdentifiers.items).toEqual([
      expect.objectContaining({
        identifier: '88.1001.1/INV-1',
        localCode: 'S.INV1',
        issuerCode: '88.1001.1',
      }),
    ]);
  });

  it('refuses a limit outside 1-1,000 with BAD_INPUT', async () => {
    const r = await api<Page>(IDENTIFIERS, { code: '88.1001.1', limit: 0 }, keys.maker);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_INPUT' });
  });
});

const ANCHORING = `query ($code: ID!) { systemAnchoring(code: $code) {
  systemCode ledger devicesChecked truncated
  fields { fieldCode name changePolicy anchored unanchored latestAnchoredAt latestTxId latestDeviceId }
  pending { fieldUpdates catalogEntries oldestSince }
  findings { code deviceId fieldCodes resolutionId reason } } }`;

describe('a system reads its anchoring state', () => {
  it('shows per field what is anchored, with the ledger transaction, and what failed verification', async () => {
    const r = await api<{ systemAnchoring: Record<string, unknown> }>(
      ANCHORING,
      { code: '88.1001.1' },
      keys.maker,
    );
    expect(r.errors).toBeUndefined();
    const state = r.data?.systemAnchoring;
    expect(state).toMatchObject({
      systemCode: '88.1001.1',
      ledger: true,
      devicesChecked: 3,
      truncated: false,
      pending: { fieldUpdates: 0, catalogEntries: 0, oldestSince: null },
    });
    expect(state?.['fields']).toEqual([
      expect.objectContaining({
        fieldCode: modelCode,
        name: 'model',
        changePolicy: 'REFUSE',
        anchored: 2,
        unanchored: 1,
        latestTxId: anchorTx,
      }),
      expect.objectContaining({ name: 'brand', anchored: 0, unanchored: 3, latestTxId: null }),
    ]);
    expect(state?.['findings']).toEqual([
      expect.objectContaining({ code: 'UNPROVEN', deviceId: null, fieldCodes: [modelCode] }),
      expect.objectContaining({
        code: 'TAMPERED',
        deviceId: '88.1001.1/INV-2',
        fieldCodes: [modelCode],
      }),
    ]);
  });

  it("does not show another system's findings", async () => {
    const r = await api<{ systemAnchoring: { findings: unknown[] } }>(
      ANCHORING,
      { code: '88.1001.2' },
      keys.scada,
    );
    expect(r.data?.systemAnchoring.findings).toEqual([]);
  });
});

describe('pending evidence', () => {
  it('counts the field registrations and catalog entries that have not reached a ledger', async () => {
    const local = createRegistry({
      store: openSqliteRegistryStore({ path: join(dir, 'local.db') }),
      authorityPrefix: '88.1002',
      logger: silentLogger,
      probeSubgraph: (name) => Promise.resolve(SDLS[name] ?? ''),
    });
    try {
      const { caller } = await onboardEnterprise(local, {
        creditCode: '91320500MA1N7PXK3R',
        name: 'maker',
      });
      await local.registerSystem(caller, {
        creditCode: '91320500MA1N7PXK3R',
        systemName: 'maker',
        subgraphName: 'maker',
        description: 'maker',
        url: 'http://maker.test/',
      });
      await local.registerFields(ADMIN, '88.1002.1', [{ name: 'model' }]);
      await local.registerDevices(ADMIN, '88.1002.1', [{ localCode: 'A', kind: 'METER' }]);
      const state = await local.systemAnchoring(ADMIN, '88.1002.1');
      expect(state).toMatchObject({ ledger: false, fields: [], devicesChecked: 1 });
      expect(state.pending.fieldUpdates).toBeGreaterThan(0);
      expect(state.pending.catalogEntries).toBe(1);
      expect(state.pending.oldestSince).toMatch(/^\d{4}-/);
    } finally {
      await local.close();
    }
  });
});
