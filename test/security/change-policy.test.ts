import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readReceipt } from '../../gateway/index.js';
import type { DeviceRecord } from '../../subgraphs/index.js';
import { startAnchoringSystem, type AnchoringSystem } from '../fixtures/anchoring-system.js';

/**
 * What a value changed since its anchor is (TAMPERED, withheld; or UNVERIFIED, released) is the
 * field's change policy as registered. A hostile business system answers the gateway over HTTP
 * with proofs that call every field `release-unverified`, or that name another field code; the
 * gateway believes neither.
 */
const DEVICE = '88.1001.1/INV-1';
const rows = new Map<string, DeviceRecord>([[DEVICE, { model: 'SV-150K', outputPowerW: 1200 }]]);

/** The proofs part of a subgraph's answer, rewritten field by field. */
const rewriteProofs =
  (change: (field: Record<string, unknown>) => Record<string, unknown>) =>
  (body: Record<string, unknown>): Record<string, unknown> => {
    const proofs = (
      body['extensions'] as
        { gridmark?: { proofs?: { fields?: Record<string, Record<string, unknown>> } } } | undefined
    )?.gridmark?.proofs;
    for (const [name, field] of Object.entries(proofs?.fields ?? {}))
      if (proofs?.fields) proofs.fields[name] = change(field);
    return body;
  };

let hostile: AnchoringSystem;
let miscoded: AnchoringSystem;

beforeAll(async () => {
  // `model` is registered `refuse`; the system's answers say `release-unverified` for every field.
  hostile = await startAnchoringSystem({
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
    rewrite: rewriteProofs((field) => ({ ...field, policy: 'release-unverified' })),
  });
  expect((await hostile.anchorer().anchorPass()).anchored).toBe(2);
}, 60_000);

afterAll(async () => {
  await hostile?.stop();
  await miscoded?.stop();
});

describe('the change policy comes from the registry, never from a response', () => {
  it('releases the anchored values VERIFIED through the rewriting system', async () => {
    const r = await hostile.query(`{ device(id: "${DEVICE}") { model outputPowerW } }`);
    expect(r.errors).toBeUndefined();
    expect(
      readReceipt(r.extensions?.gridmark)
        .map((v) => [v.field, v.status])
        .sort(),
    ).toEqual([
      ['model', 'VERIFIED'],
      ['outputPowerW', 'VERIFIED'],
    ]);
  });

  it('withholds an edited value of a refuse field as TAMPERED although the response claims release-unverified', async () => {
    rows.set(DEVICE, { ...rows.get(DEVICE), model: 'SV-999K' });
    const r = await hostile.query(`{ device(id: "${DEVICE}") { model } }`);
    expect(r.data).toEqual({ device: { model: null } });
    expect(r.errors?.[0]?.extensions).toMatchObject({
      code: 'TAMPERED',
      device: DEVICE,
      field: 'model',
      systemCode: hostile.system.code,
    });
    expect(JSON.stringify(r)).not.toContain('SV-999K');
    expect(readReceipt(r.extensions?.gridmark).filter((v) => v.status === 'UNVERIFIED')).toEqual(
      [],
    );
  });

  it('still releases a changed value of a field registered release-unverified as UNVERIFIED', async () => {
    rows.set(DEVICE, { ...rows.get(DEVICE), outputPowerW: 1300 });
    const r = await hostile.query(`{ device(id: "${DEVICE}") { outputPowerW } }`);
    expect(r.data).toEqual({ device: { outputPowerW: 1300 } });
    expect(readReceipt(r.extensions?.gridmark)).toEqual([
      expect.objectContaining({ field: 'outputPowerW', status: 'UNVERIFIED' }),
    ]);
  });

  it("keeps a field's registered policy when a re-registration (a new fee) names none", async () => {
    const response = await fetch(hostile.registryUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${hostile.system.apiKey}`,
      },
      body: JSON.stringify({
        query:
          'mutation ($c: ID!) { registerFields(systemCode: $c, fields: [{ name: "outputPowerW", feeFen: 2 }, { name: "model", feeFen: 2 }]) { name feeFen changePolicy } }',
        variables: { c: hostile.system.code },
      }),
    });
    expect(((await response.json()) as { data?: unknown }).data).toEqual({
      registerFields: [
        { name: 'model', feeFen: 2, changePolicy: 'REFUSE' },
        { name: 'outputPowerW', feeFen: 2, changePolicy: 'RELEASE_UNVERIFIED' },
      ],
    });
  });

  it('does not trust a field code in the proofs that is not the one registered for the field', async () => {
    const own = new Map<string, DeviceRecord>([[DEVICE, { model: 'SV-150K' }]]);
    miscoded = await startAnchoringSystem({
      fields: [
        {
          name: 'model',
          type: 'String',
          description: 'Model.',
          changePolicy: 'release-unverified',
        },
      ],
      rows: own,
      rewrite: rewriteProofs((field) => ({ ...field, code: '88.1001.7.F0001' })),
    });
    await miscoded.anchorer().anchorPass();
    const r = await miscoded.query(`{ device(id: "${DEVICE}") { model } }`);
    expect(r.data).toEqual({ device: { model: null } });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'UNVERIFIABLE', field: 'model' });
    expect(
      readReceipt(r.extensions?.gridmark).filter(
        (v) => v.status === 'VERIFIED' || v.status === 'UNVERIFIED',
      ),
    ).toEqual([]);
  });
});
