import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  issueGrant,
  type DirectoryField,
  type FieldDirectory,
  type RequestAccess,
} from '../../gateway/testing/index.js';
import type { Resolution } from '../../ledger-adapter/index.js';
import { GridmarkError, verifyGrant } from '../../schema/index.js';

/**
 * The second line behind the access check: whatever reaches the data sources, a grant is issued
 * only for devices and fields that the query's resolution covers, and nothing else leaves.
 */
const key = generateKeyPairSync('ed25519');
const field = (
  name: string,
  code: string,
  systemCode: string,
  subgraphName: string,
): DirectoryField => ({ name, code, systemCode, subgraphName, feeFen: 1, changePolicy: 'refuse' });
const byName = new Map(
  [
    field('model', '88.1001.1.F0001', '88.1001.1', 'maker'),
    field('brand', '88.1001.1.F0002', '88.1001.1', 'maker'),
    field('outputPowerW', '88.1001.2.F0001', '88.1001.2', 'scada'),
  ].map((f) => [f.name, f]),
);
const fields: FieldDirectory = {
  byName: (name) => byName.get(name),
  reload: () => Promise.resolve(),
};
const resolved = (fieldNames: readonly string[]) =>
  fieldNames.map((name) => ({
    fieldCode: byName.get(name)?.code ?? '',
    systemCode: byName.get(name)?.systemCode ?? '',
    coordinate: `Device.${name}`,
    feeFen: 1,
  }));
/** INV-1 has model and outputPowerW resolved; INV-2 only model (the catalog holds no brand for either). */
const resolution: Resolution = {
  resolutionId: 'a'.repeat(64),
  applicationId: 'APP-0001',
  function: 'monitoring',
  role: '*',
  resolvedAt: '2026-12-01T00:00:00.000Z',
  devices: [
    { deviceId: '88.1001.1/INV-1', fields: resolved(['model', 'outputPowerW']) },
    { deviceId: '88.1001.1/INV-2', fields: resolved(['model']) },
  ],
  totalFeeFen: 3,
};
const access = (
  selected: readonly string[],
  of: Resolution | null = resolution,
): RequestAccess => ({
  applicationId: 'APP-0001',
  function: 'monitoring',
  role: '*',
  resolution: of,
  fields: new Set(selected),
  verifications: [],
});
const grant = (
  selected: readonly string[],
  subgraph: string,
  devices: readonly string[],
  of: Resolution | null = resolution,
) =>
  issueGrant({
    access: access(selected, of),
    subgraph,
    representations: devices.map((id) => ({ __typename: 'Device', id })),
    fields,
    signingKey: key.privateKey,
  });
const refusal = (run: () => unknown): GridmarkError => {
  try {
    run();
  } catch (error) {
    if (error instanceof GridmarkError) return error;
    throw error;
  }
  throw new Error('no refusal');
};

describe('grants cover only the resolution', () => {
  it('grants the resolved devices and fields of the system asked', () => {
    const issued = grant(['model', 'outputPowerW'], 'maker', [
      '88.1001.1/INV-1',
      '88.1001.1/INV-2',
    ]);
    expect(verifyGrant(issued.value, key.publicKey, { subgraph: 'maker' })).toMatchObject({
      devices: ['88.1001.1/INV-1', '88.1001.1/INV-2'],
      fields: ['model'],
      res: resolution.resolutionId,
    });
  });

  it('refuses a device outside the resolution, naming it', () => {
    const error = refusal(() => grant(['model'], 'maker', ['88.1001.1/INV-1', '88.1001.1/INV-9']));
    expect(error).toMatchObject({
      code: 'GRANT_NOT_COVERED',
      details: { system: 'maker', device: '88.1001.1/INV-9' },
    });
  });

  it('refuses a field the resolution gives for none of the devices asked', () => {
    expect(refusal(() => grant(['model', 'brand'], 'maker', ['88.1001.1/INV-1']))).toMatchObject({
      code: 'GRANT_NOT_COVERED',
      details: { fields: ['brand'] },
    });
    expect(refusal(() => grant(['outputPowerW'], 'scada', ['88.1001.1/INV-2']))).toMatchObject({
      code: 'GRANT_NOT_COVERED',
      details: { system: 'scada', fields: ['outputPowerW'] },
    });
  });

  it('refuses a field no active system registered, and any request of a query without a resolution', () => {
    const unknown = {
      ...resolution,
      devices: [
        {
          deviceId: '88.1001.1/INV-1',
          fields: [
            {
              fieldCode: '88.1001.1.F0009',
              systemCode: '88.1001.1',
              coordinate: 'Device.ghost',
              feeFen: 1,
            },
          ],
        },
      ],
    };
    expect(() => grant(['ghost'], 'maker', ['88.1001.1/INV-1'], unknown)).not.toThrow();
    byName.set('ghost', field('ghost', '88.1001.1.F0008', '88.1001.1', 'maker'));
    expect(refusal(() => grant(['ghost'], 'maker', ['88.1001.1/INV-1'], unknown)).code).toBe(
      'GRANT_NOT_COVERED',
    );
    expect(refusal(() => grant(['model'], 'maker', ['88.1001.1/INV-1'], null))).toMatchObject({
      code: 'GRANT_NOT_COVERED',
      details: { system: 'maker' },
    });
  });
});
