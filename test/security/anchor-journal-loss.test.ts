import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readReceipt, recheckResponse } from '../../gateway/index.js';
import { commitField } from '../../schema/index.js';
import type { Logger } from '../../schema/index.js';
import type { DeviceRecord } from '../../subgraphs/index.js';
import { startAnchoringSystem, type AnchoringSystem } from '../fixtures/anchoring-system.js';

/**
 * Only the ledger says what a value was. Someone with access to a business system's database
 * edits a value and deletes its row from the system's anchor journal: the system's scheduled
 * anchoring must not take the edited value for a new one, the gateway must not release it
 * VERIFIED, `gridmark verify` must not call it PROVEN, and the ledger itself refuses to replace
 * the anchor unless the system vouches for the change from its write path.
 */
const DEVICE = '88.1001.1/INV-1';
const rows = new Map<string, DeviceRecord>([[DEVICE, { model: 'SV-150K', outputPowerW: 1200 }]]);
const warnings: string[] = [];
const logger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (m) => warnings.push(m),
  error: (m) => warnings.push(m),
};
let network: AnchoringSystem;

/** Deletes a row of the anchor journal behind the system's back, edits its database, and restarts the system. */
async function loseJournalRow(field: string, value: unknown): Promise<void> {
  const db = new Database(network.journalPath);
  try {
    expect(
      db.prepare('DELETE FROM anchor_journal WHERE device_id = ? AND field = ?').run(DEVICE, field)
        .changes,
    ).toBe(1);
  } finally {
    db.close();
  }
  rows.set(DEVICE, { ...rows.get(DEVICE), [field]: value });
  await network.restart();
}

beforeAll(async () => {
  network = await startAnchoringSystem({
    fields: [
      { name: 'model', type: 'String', description: 'Model.' },
      {
        name: 'outputPowerW',
        type: 'Float',
        description: 'Output.',
        unit: 'W',
        changePolicy: 'release-unverified',
      },
    ],
    rows,
    logger,
  });
  expect((await network.anchorer().anchorPass()).anchored).toBe(2);
  const r = await network.query(`{ device(id: "${DEVICE}") { model outputPowerW } }`);
  expect(readReceipt(r.extensions?.gridmark).map((v) => v.status)).toEqual([
    'VERIFIED',
    'VERIFIED',
  ]);
}, 60_000);

afterAll(() => network?.stop());

describe('a lost anchor journal row', () => {
  it('is not anchored again as new: the pass reports it, naming device and field', async () => {
    await loseJournalRow('model', 'SV-999K');
    const pass = await network.anchorer().anchorPass();
    expect(pass).toMatchObject({ anchored: 0, unprovable: 1 });
    expect(warnings.join('\n')).toContain(`${DEVICE} model`);
    expect(
      (await network.ledger.getAnchors([[DEVICE, network.fieldCodes.get('model') ?? '']]))[0],
    ).toMatchObject({ version: 1 });
  });

  it('leaves the edited value unverifiable at the gateway, and gridmark verify proves nothing of it', async () => {
    const r = await network.query(`{ device(id: "${DEVICE}") { model } }`);
    expect(r.data).toEqual({ device: { model: null } });
    expect(r.errors?.[0]?.extensions).toMatchObject({
      code: 'UNVERIFIABLE',
      device: DEVICE,
      field: 'model',
    });
    expect(JSON.stringify(r)).not.toContain('SV-999K');
    expect(readReceipt(r.extensions?.gridmark).filter((v) => v.status === 'VERIFIED')).toEqual([]);
    const report = await recheckResponse(r, network.ledger);
    expect(report.fields.filter((f) => f.outcome === 'PROVEN')).toEqual([]);
  });

  it('is refused by the ledger when the system anchors it without vouching for it', async () => {
    const fieldCode = network.fieldCodes.get('model') ?? '';
    const commitment = commitField({
      deviceId: DEVICE,
      fieldCode,
      salt: 'a'.repeat(32),
      value: 'SV-999K',
    });
    const response = await fetch(network.registryUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${network.system.apiKey}`,
      },
      body: JSON.stringify({
        query:
          'mutation ($c: ID!, $list: [CommitmentInput!]!) { anchorCommitments(systemCode: $c, commitments: $list) { txId } }',
        variables: { c: network.system.code, list: [{ deviceId: DEVICE, fieldCode, commitment }] },
      }),
    });
    const body = (await response.json()) as { errors?: { extensions?: Record<string, unknown> }[] };
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: 'LEDGER_REJECTED',
      contractCode: 'NOT_VOUCHED',
    });
    expect((await network.ledger.getAnchors([[DEVICE, fieldCode]]))[0]).toMatchObject({
      version: 1,
    });
  });

  it('is anchored again once the system vouches for the value from its write path', async () => {
    expect((await network.anchorer().anchorNow([DEVICE])).anchored).toBe(1);
    const r = await network.query(`{ device(id: "${DEVICE}") { model } }`);
    expect(r.data).toEqual({ device: { model: 'SV-999K' } });
    expect(readReceipt(r.extensions?.gridmark)).toEqual([
      expect.objectContaining({ field: 'model', status: 'VERIFIED' }),
    ]);
  });

  it('of a field whose policy lets values change is anchored again by a scheduled pass', async () => {
    await loseJournalRow('outputPowerW', 1350);
    expect(await network.anchorer().anchorPass()).toMatchObject({ anchored: 1, unprovable: 0 });
    const r = await network.query(`{ device(id: "${DEVICE}") { outputPowerW } }`);
    expect(r.data).toEqual({ device: { outputPowerW: 1350 } });
    expect(readReceipt(r.extensions?.gridmark)[0]?.status).toBe('VERIFIED');
  });
});
