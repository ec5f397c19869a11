import { describe, expect, it, vi } from 'vitest';
import { GridmarkError, silentLogger } from '../../schema/index.js';
import type { DeviceRecord, SubgraphDeclaration } from './declaration.js';
import { defineSubgraph } from './define-subgraph.js';
import { createSubgraphServer } from './subgraph-server.js';

const records = new Map<string, DeviceRecord>([
  ['88.1.9/INV-1', { outputPowerW: 1200.5, operatingStatus: 'RUNNING' }],
  ['88.1.9/INV-2', { outputPowerW: 0, operatingStatus: 'STANDBY' }],
]);

function declaration(overrides: Partial<SubgraphDeclaration> = {}): SubgraphDeclaration {
  return {
    name: 'scada',
    title: 'a test SCADA',
    fields: [
      { name: 'outputPowerW', type: 'Float', description: 'Output power.', unit: 'W' },
      { name: 'operatingStatus', type: 'ScadaStatus', description: 'State.' },
    ],
    typeDefs: 'enum ScadaStatus { RUNNING STANDBY }',
    loadDevices: (ids) => Promise.resolve(new Map([...records].filter(([id]) => ids.includes(id)))),
    ...overrides,
  };
}

function badDeclaration(overrides: Partial<SubgraphDeclaration>): GridmarkError {
  try {
    defineSubgraph(declaration(overrides));
  } catch (error) {
    expect(error).toBeInstanceOf(GridmarkError);
    return error as GridmarkError;
  }
  throw new Error('expected the declaration to be refused');
}

const ENTITIES = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Device { id outputPowerW operatingStatus } } }`;

describe('defineSubgraph', () => {
  it('publishes a Device entity keyed by id with the declared fields and units', () => {
    const subgraph = defineSubgraph(declaration());
    expect(subgraph.sdl).toContain('type Device @key(fields: "id")');
    expect(subgraph.sdl).toMatch(/"""Output power\. Unit: W\."""\s+outputPowerW: Float/);
    expect(subgraph.sdl).toContain('operatingStatus: ScadaStatus');
    expect(subgraph.schema.getType('Device')).toBeDefined();
  });

  it('resolves every entity of one request with a single loader call', async () => {
    const loadDevices = vi.fn(declaration().loadDevices);
    const subgraph = defineSubgraph(declaration({ loadDevices }));
    const server = createSubgraphServer(subgraph, { logger: silentLogger });
    await server.start();
    const representations = ['88.1.9/INV-1', '88.1.9/INV-2', '88.1.9/INV-404', '88.1.9/INV-1'].map(
      (id) => ({ __typename: 'Device', id }),
    );
    const response = await server.executeOperation(
      { query: ENTITIES, variables: { r: representations } },
      { contextValue: subgraph.createContext() },
    );
    await server.stop();
    expect(loadDevices).toHaveBeenCalledTimes(1);
    expect(loadDevices.mock.calls[0]?.[0]).toEqual([
      '88.1.9/INV-1',
      '88.1.9/INV-2',
      '88.1.9/INV-404',
    ]);
    const result = response.body.kind === 'single' ? response.body.singleResult : undefined;
    expect(result?.errors).toBeUndefined();
    expect(result?.data?.['_entities']).toEqual([
      { id: '88.1.9/INV-1', outputPowerW: 1200.5, operatingStatus: 'RUNNING' },
      { id: '88.1.9/INV-2', outputPowerW: 0, operatingStatus: 'STANDBY' },
      null,
      { id: '88.1.9/INV-1', outputPowerW: 1200.5, operatingStatus: 'RUNNING' },
    ]);
  });

  it('masks a failing loader as SYSTEM_ERROR without its message', async () => {
    const subgraph = defineSubgraph(
      declaration({
        loadDevices: () => Promise.reject(new Error('SQLITE_CORRUPT: /srv/scada.db')),
      }),
    );
    const server = createSubgraphServer(subgraph, { logger: silentLogger });
    await server.start();
    const response = await server.executeOperation(
      { query: ENTITIES, variables: { r: [{ __typename: 'Device', id: '88.1.9/INV-1' }] } },
      { contextValue: subgraph.createContext() },
    );
    await server.stop();
    const result = response.body.kind === 'single' ? response.body.singleResult : undefined;
    expect(result?.errors?.[0]?.extensions?.['code']).toBe('SYSTEM_ERROR');
    expect(JSON.stringify(result)).not.toContain('SQLITE_CORRUPT');
  });

  it.each([
    ['a bad subgraph name', { name: 'SCADA System' }, /name must be/],
    ['no fields', { fields: [] }, /at least one/],
    [
      'a field named like a type',
      { fields: [{ name: 'OutputPower', type: 'Float', description: 'x' }] },
      /camelCase/,
    ],
    [
      'the reserved id field',
      { fields: [{ name: 'id', type: 'ID', description: 'x' }] },
      /reserved/,
    ],
    [
      'the catalog field heldBy',
      { fields: [{ name: 'heldBy', type: 'String', description: 'x' }] },
      /reserved/,
    ],
    [
      'a duplicate field',
      {
        fields: [
          { name: 'a', type: 'Int', description: 'x' },
          { name: 'a', type: 'Int', description: 'y' },
        ],
      },
      /twice/,
    ],
    [
      'an empty description',
      { fields: [{ name: 'a', type: 'Int', description: ' ' }] },
      /description/,
    ],
    [
      'an unknown type',
      { fields: [{ name: 'a', type: 'Wattage', description: 'x' }], typeDefs: '' },
      /does not build/,
    ],
  ])('refuses a declaration with %s as BAD_DECLARATION', (_, overrides, message) => {
    const error = badDeclaration(overrides);
    expect(error.code).toBe('BAD_DECLARATION');
    expect(error.message).toMatch(message);
  });
});
