import { describe, expect, it } from 'vitest';
import type { Resolution } from '../../ledger-adapter/index.js';
import { coveredRepresentations } from './covered-representations.js';
import type { DirectoryField, FieldDirectory } from './field-directory.js';
import type { RequestAccess } from './request-access.js';

const field = (name: string, code: string, subgraphName: string): DirectoryField => ({
  name,
  code,
  systemCode: code.slice(0, 9),
  subgraphName,
  feeFen: 1,
  changePolicy: 'refuse',
});
const byName = new Map(
  [
    field('model', '88.1001.1.F0001', 'maker'),
    field('outputPowerW', '88.1001.2.F0001', 'scada'),
    field('online', '88.1001.2.F0002', 'scada'),
  ].map((f) => [f.name, f]),
);
const fields: FieldDirectory = { byName: (n) => byName.get(n), reload: () => Promise.resolve() };
const resolved = (...names: string[]) =>
  names.map((name) => ({
    fieldCode: byName.get(name)?.code ?? '',
    systemCode: byName.get(name)?.systemCode ?? '',
    coordinate: `Device.${name}`,
    feeFen: 1,
  }));
/** INV-1 is held by both systems, PV-1 by the maker only. */
const resolution: Resolution = {
  resolutionId: 'b'.repeat(64),
  applicationId: 'APP-0001',
  function: 'monitoring',
  role: '*',
  resolvedAt: '2026-12-01T00:00:00.000Z',
  devices: [
    { deviceId: '88.1001.1/INV-1', fields: resolved('model', 'online') },
    { deviceId: '88.1001.1/PV-1', fields: resolved('model') },
  ],
  totalFeeFen: 3,
};
const access = (selected: string[], of: Resolution | null = resolution): RequestAccess => ({
  applicationId: 'APP-0001',
  function: 'monitoring',
  role: '*',
  resolution: of,
  fields: new Set(selected),
  verifications: [],
});
const covered = (selected: string[], subgraph: string, ids: unknown[], of?: Resolution | null) =>
  coveredRepresentations({
    access: access(selected, of),
    subgraph,
    representations: ids.map((id) => ({ __typename: 'Device', id })),
    fields,
  });

describe('coveredRepresentations', () => {
  it('leaves out devices the resolution gives none of the selected fields of the system asked', () => {
    expect(covered(['model', 'outputPowerW'], 'scada', ['88.1001.1/PV-1'])).toEqual([]);
    expect(
      covered(['outputPowerW', 'online'], 'scada', ['88.1001.1/PV-1', '88.1001.1/INV-1']),
    ).toEqual([1]);
    expect(covered(['model'], 'maker', ['88.1001.1/PV-1', '88.1001.1/INV-1'])).toEqual([0, 1]);
  });

  it('keeps devices outside the resolution and malformed representations for the grant to refuse', () => {
    expect(covered(['online'], 'scada', ['88.1001.1/INV-9', 7, '88.1001.1/PV-1'])).toEqual([0, 1]);
  });

  it('judges a field by its code as registered now', () => {
    byName.set('online', field('online', '88.1001.2.F0009', 'scada'));
    try {
      expect(covered(['online'], 'scada', ['88.1001.1/INV-1'])).toEqual([]);
    } finally {
      byName.set('online', field('online', '88.1001.2.F0002', 'scada'));
    }
  });

  it('narrows nothing without a resolution or without a field of the system asked', () => {
    expect(covered(['online'], 'scada', ['88.1001.1/PV-1'], null)).toBeUndefined();
    expect(covered(['model'], 'scada', ['88.1001.1/PV-1'])).toBeUndefined();
  });
});
