import { describe, expect, it } from 'vitest';
import { CompositionError } from '../gateway/index.js';
import { createTestNetwork } from '../gateway/testing/index.js';
import { defineSubgraph } from '../subgraphs/index.js';

const LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';

describe('the test network export', () => {
  it('composes an SDL subgraph with fixture records and a kit subgraph, with no sockets', async () => {
    const network = await createTestNetwork({
      subgraphs: [
        {
          name: 'weather',
          sdl: `${LINK}\ntype Device @key(fields: "id") { id: ID! irradianceWm2: Float }`,
          records: { '88.7.1/WS-1': { irradianceWm2: 812 } },
        },
        defineSubgraph({
          name: 'scada',
          title: 'a SCADA',
          fields: [{ name: 'outputPowerW', type: 'Float', description: 'Output.', unit: 'W' }],
          loadDevices: (ids) =>
            Promise.resolve(
              new Map(
                ids.filter((id) => id === '88.7.1/WS-1').map((id) => [id, { outputPowerW: 5 }]),
              ),
            ),
        }),
      ],
    });
    try {
      const response = await network.query(
        '{ device(id: "88.7.1/WS-1") { id heldBy irradianceWm2 outputPowerW } }',
      );
      expect(response).toEqual({
        data: {
          device: { id: '88.7.1/WS-1', heldBy: ['weather'], irradianceWm2: 812, outputPowerW: 5 },
        },
      });
    } finally {
      await network.stop();
    }
  });

  it('fails to start with the composition errors when subgraphs clash', async () => {
    const clash = (name: string) => ({
      name,
      sdl: `${LINK}\ntype Device @key(fields: "id") { id: ID! model: String }`,
      records: {},
    });
    const started = createTestNetwork({ subgraphs: [clash('maker-a'), clash('maker-b')] });
    await expect(started).rejects.toBeInstanceOf(CompositionError);
    await expect(started).rejects.toMatchObject({
      code: 'COMPOSITION_FAILED',
      issues: [expect.objectContaining({ subgraphs: ['maker-a', 'maker-b'] })],
    });
  });
});
