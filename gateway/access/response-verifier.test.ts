import { describe, expect, it } from 'vitest';
import type { Anchor, LedgerAdapter, Resolution } from '../../ledger-adapter/index.js';
import { commitField } from '../../schema/index.js';
import { createCommitmentMemo } from './commitment-memo.js';
import { entityFieldKeys } from './entity-field-names.js';
import type { DirectoryField, FieldDirectory } from './field-directory.js';
import { UNKNOWN_KEYS, operationKeys, type ResponseKeys } from './operation-keys.js';
import type { RequestAccess } from './request-access.js';
import { projects, verifyEntities, type SubgraphResponse } from './response-verifier.js';

/** The keys inside `field` of a `device` selection, as an application's query selects them. */
const inside = (selection: string): ResponseKeys => {
  const root = operationKeys({ query: `{ device(id: "88.1/A") { field ${selection} } }` });
  const device = root.kind === 'selected' ? root.keys.get('device')?.keys : undefined;
  const field = device?.kind === 'selected' ? device.keys.get('field')?.keys : undefined;
  if (!field) throw new Error('no keys');
  return field;
};
const whole = [
  {
    time: 't1',
    work: 'inspection',
    parts: [{ name: 'fan', count: 2 }],
    extra: { a: 1, b: [true] },
  },
  { time: 't2', work: 'repair', parts: [], extra: null },
];

describe('projects', () => {
  it('reads every alias as the member it stands for, at every level', () => {
    expect(
      projects(
        [
          { t: 't1', p: [{ n: 'fan' }] },
          { t: 't2', p: [] },
        ],
        whole,
        inside('{ t: time p: parts { n: name } }'),
      ),
    ).toBe(true);
    expect(
      projects(
        [
          { a: 't1', b: 't1' },
          { a: 't2', b: 't2' },
        ],
        whole,
        inside('{ a: time b: time }'),
      ),
    ).toBe(true);
    expect(
      projects(
        [
          { k: 'MakerRecord', time: 't1' },
          { k: 'MakerRecord', time: 't2' },
        ],
        whole,
        inside('{ k: __typename time }'),
      ),
    ).toBe(true);
  });

  it("compares a member selected without a sub-selection whole, whatever its members' order", () => {
    expect(projects([{ x: { b: [true], a: 1 } }, { x: null }], whole, inside('{ x: extra }'))).toBe(
      true,
    );
    expect(projects([{ x: { a: 1 } }, { x: null }], whole, inside('{ x: extra }'))).toBe(false);
  });

  it('is false for an edited member, a swapped pair, a member not selected, or another length', () => {
    const keys = inside('{ t: time w: work }');
    expect(
      projects(
        [
          { t: 't1', w: 'inspection' },
          { t: 't2', w: 'repair' },
        ],
        whole,
        keys,
      ),
    ).toBe(true);
    expect(
      projects(
        [
          { t: 't1', w: 'inspected' },
          { t: 't2', w: 'repair' },
        ],
        whole,
        keys,
      ),
    ).toBe(false);
    expect(
      projects(
        [
          { t: 'inspection', w: 't1' },
          { t: 't2', w: 'repair' },
        ],
        whole,
        keys,
      ),
    ).toBe(false);
    expect(projects([{ t: 't1', time: 't1' }, { t: 't2' }], whole, keys)).toBe(false);
    expect(projects([{ t: 't1' }], whole, keys)).toBe(false);
  });

  it('reads keys as member names when the selection is not known, and never off the prototype', () => {
    expect(projects([{ time: 't1' }, { time: 't2' }], whole, UNKNOWN_KEYS)).toBe(true);
    expect(projects([{ t: 't1' }, { t: 't2' }], whole, UNKNOWN_KEYS)).toBe(false);
    expect(projects(JSON.parse('[{"constructor": {}}, {}]'), whole, UNKNOWN_KEYS)).toBe(false);
  });
});

describe('verifyEntities', () => {
  const code = '88.1.F0001';
  const field: DirectoryField = {
    name: 'records',
    code,
    systemCode: '88.1',
    subgraphName: 'maker',
    feeFen: 1,
    changePolicy: 'refuse',
  };
  const fields: FieldDirectory = {
    byName: (name) => (name === 'records' ? field : undefined),
    reload: () => Promise.resolve(),
  };
  const anchorOf = (deviceId: string, salt: string): Anchor => ({
    deviceId,
    fieldCode: code,
    systemCode: '88.1',
    commitment: commitField({ deviceId, fieldCode: code, salt, value: whole }),
    anchoredAt: '',
    txId: 'b'.repeat(64),
    version: 1,
  });
  const resolution: Resolution = {
    resolutionId: 'a'.repeat(64),
    applicationId: 'APP-0001',
    function: 'f',
    role: '*',
    resolvedAt: '',
    devices: [
      {
        deviceId: '88.1/A',
        fields: [{ fieldCode: code, systemCode: '88.1', coordinate: 'Device.records', feeFen: 1 }],
      },
      { deviceId: '88.1/B', fields: [] },
    ],
    totalFeeFen: 1,
  };
  const query =
    'query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Device { log: records { t: time } } } }';

  /** Serves both devices their honest records (selected as `log { t }`), anchored, and verifies the response. */
  const verify = async (access: RequestAccess) => {
    const served = whole.map((r) => ({ t: r.time }));
    const response: SubgraphResponse = {
      data: { _entities: [{ log: served }, { log: served }] },
      extensions: {
        gridmark: {
          proofs: {
            fields: { records: { code } },
            salts: { '88.1/A': { records: 'sa' }, '88.1/B': { records: 'sb' } },
            values: { '88.1/A': { records: whole }, '88.1/B': { records: whole } },
          },
        },
      },
    };
    const anchors = new Map([
      ['88.1/A', anchorOf('88.1/A', 'sa')],
      ['88.1/B', anchorOf('88.1/B', 'sb')],
    ]);
    const ledger = {
      getAnchors: (keys: readonly (readonly [string, string])[]) =>
        Promise.resolve(keys.map(([d]) => anchors.get(d) ?? null)),
    } as unknown as LedgerAdapter;
    const tampered: unknown[] = [];
    await verifyEntities({
      response,
      fieldKeys: entityFieldKeys(query),
      representations: [{ id: '88.1/A' }, { id: '88.1/B' }],
      subgraph: 'maker',
      access,
      fields,
      ledger,
      commitments: createCommitmentMemo(),
      onTamper: (t) => tampered.push(t),
    });
    return { response, tampered };
  };

  it('releases an aliased selection of a resolved value VERIFIED, and withholds the same value of a device the resolution does not cover', async () => {
    const access: RequestAccess = {
      applicationId: 'APP-0001',
      function: 'f',
      role: '*',
      resolution,
      fields: new Set(['records']),
      verifications: [],
    };
    const { response, tampered } = await verify(access);
    expect(tampered).toEqual([]);
    expect(access.verifications.map((v) => [v.device, v.status])).toEqual([
      ['88.1/B', 'UNVERIFIABLE'],
      ['88.1/A', 'VERIFIED'],
    ]);
    expect(response.data?.['_entities']).toEqual([
      { log: [{ t: 't1' }, { t: 't2' }] },
      { log: null },
    ]);
    expect(response.errors).toEqual([
      {
        message: expect.stringContaining("not in the query's resolution") as unknown,
        path: ['_entities', 1, 'log'],
        extensions: {
          code: 'UNVERIFIABLE',
          reason: 'NOT_IN_RESOLUTION',
          device: '88.1/B',
          field: 'records',
          system: 'maker',
          systemCode: '88.1',
        },
      },
    ]);
  });

  it('releases nothing of a query without a resolution', async () => {
    const access: RequestAccess = {
      applicationId: 'APP-0001',
      function: 'f',
      role: '*',
      resolution: null,
      fields: new Set(['records']),
      verifications: [],
    };
    const { response } = await verify(access);
    expect(access.verifications.map((v) => v.status)).toEqual(['UNVERIFIABLE', 'UNVERIFIABLE']);
    expect(response.data?.['_entities']).toEqual([{ log: null }, { log: null }]);
  });
});
