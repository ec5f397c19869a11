import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readReceipt, recheckResponse } from '../../gateway/index.js';
import type { DeviceRecord } from '../../subgraphs/index.js';
import {
  startAnchoringSystem,
  type AnchoringSystem,
  type GraphqlBody,
} from '../fixtures/anchoring-system.js';

/**
 * An application may alias members inside an object field (`records { t: time }`). The gateway
 * compares what was selected with the whole value the system anchored; it must read each alias as
 * the member it stands for, at every level, so that an honest value is released VERIFIED and an
 * edited one is still withheld as TAMPERED. Before, an aliased member was looked up by its alias
 * in the whole value, and every honest aliased value was withheld as TAMPERED.
 */
const DEVICE = '88.1001.1/INV-1';
const rows = new Map<string, DeviceRecord>([
  [
    DEVICE,
    {
      model: 'SV-150K',
      records: [
        { time: '2026-03-01T08:00:00Z', work: 'inspection', parts: [{ name: 'fan', count: 2 }] },
        {
          time: '2026-06-01T08:00:00Z',
          work: 'fan replaced',
          parts: [
            { name: 'fan', count: 1 },
            { name: 'filter', count: 3 },
          ],
        },
      ],
    },
  ],
]);

/** How the system's answers are edited on their way to the gateway, from now on. */
let edit: ((entity: Record<string, unknown>) => void) | undefined;
let system: AnchoringSystem;

beforeAll(async () => {
  system = await startAnchoringSystem({
    fields: [
      { name: 'model', type: 'String', description: 'Model.' },
      { name: 'records', type: '[MakerRecord!]', description: 'Maintenance records.' },
    ],
    typeDefs:
      'type MakerRecord { time: String! work: String! parts: [MakerPart!]! } type MakerPart { name: String! count: Int! }',
    rows,
    rewrite: (body) => {
      const entities = (body['data'] as { _entities?: unknown[] } | undefined)?._entities;
      if (edit)
        for (const entity of entities ?? [])
          if (entity !== null && typeof entity === 'object')
            edit(entity as Record<string, unknown>);
      return body;
    },
  });
  await system.anchorer().anchorPass();
}, 60_000);

afterAll(async () => {
  await system.stop();
});

/** The receipt's status of each value, as `field status`. */
const statuses = (reply: GraphqlBody) =>
  readReceipt(reply.extensions?.gridmark).map((v) => `${v.field} ${v.status}`);

describe('aliases inside an object field', () => {
  const query = `{ device(id: "${DEVICE}") { id log: records { t: time w: work parts { n: name c: count } } } }`;

  it('releases an honest value with aliased members VERIFIED, and gridmark verify accepts it through the query', async () => {
    edit = undefined;
    const reply = await system.query(query);
    expect(reply.errors).toBeUndefined();
    expect(reply.data).toEqual({
      device: {
        id: DEVICE,
        log: [
          { t: '2026-03-01T08:00:00Z', w: 'inspection', parts: [{ n: 'fan', c: 2 }] },
          {
            t: '2026-06-01T08:00:00Z',
            w: 'fan replaced',
            parts: [
              { n: 'fan', c: 1 },
              { n: 'filter', c: 3 },
            ],
          },
        ],
      },
    });
    expect(statuses(reply)).toEqual(['records VERIFIED']);
    const report = await recheckResponse(reply, system.ledger, { request: { query } });
    expect(report).toMatchObject({ ok: true, data: { matched: 1, findings: [] } });
    const altered = structuredClone(reply) as {
      data: { device: { log: { parts: { c: number }[] }[] } };
    };
    (altered.data.device.log[1]?.parts[1] ?? { c: 0 }).c = 30;
    expect(
      (await recheckResponse(altered, system.ledger, { request: { query } })).data.findings,
    ).toMatchObject([{ outcome: 'ALTERED', path: 'device.log[1].parts[1].c', field: 'records' }]);
  });

  it('releases a member selected under two aliases, with __typename and in a fragment, VERIFIED', async () => {
    edit = undefined;
    const reply = await system.query(
      `{ device(id: "${DEVICE}") { records { a: time b: time kind: __typename ...R } } } fragment R on MakerRecord { parts { label: name } }`,
    );
    expect(reply.errors).toBeUndefined();
    expect(reply.data).toEqual({
      device: {
        records: [
          {
            a: '2026-03-01T08:00:00Z',
            b: '2026-03-01T08:00:00Z',
            kind: 'MakerRecord',
            parts: [{ label: 'fan' }],
          },
          {
            a: '2026-06-01T08:00:00Z',
            b: '2026-06-01T08:00:00Z',
            kind: 'MakerRecord',
            parts: [{ label: 'fan' }, { label: 'filter' }],
          },
        ],
      },
    });
    expect(statuses(reply)).toEqual(['records VERIFIED']);
  });

  it('withholds as TAMPERED a value whose aliased member was edited, deep inside or at the first level', async () => {
    edit = (entity) => {
      const log = entity['log'] as { w: string; parts: { c: number }[] }[];
      const part = log[1]?.parts[0];
      if (part) part.c = 9;
    };
    const deep = await system.query(query);
    expect(deep.data).toEqual({ device: { id: DEVICE, log: null } });
    expect(deep.errors).toMatchObject([
      { extensions: { code: 'TAMPERED', device: DEVICE, field: 'records' } },
    ]);
    expect(statuses(deep)).toEqual(['records TAMPERED']);
    edit = (entity) => {
      const [first] = entity['log'] as { t: string; w: string }[];
      if (first) [first.t, first.w] = [first.w, first.t];
    };
    const swapped = await system.query(query);
    expect(swapped.data).toEqual({ device: { id: DEVICE, log: null } });
    expect(statuses(swapped)).toEqual(['records TAMPERED']);
  });

  it('withholds as TAMPERED a value with a member the query did not select', async () => {
    edit = (entity) => {
      const [first] = entity['log'] as Record<string, unknown>[];
      if (first) first['note'] = 'certified';
    };
    const reply = await system.query(query);
    expect(reply.data).toEqual({ device: { id: DEVICE, log: null } });
    expect(statuses(reply)).toEqual(['records TAMPERED']);
  });
});
