import { describe, expect, it } from 'vitest';
import { CompositionError, composeSupergraph } from './compose-supergraph.js';

const LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';
const device = (fields: string): string =>
  `${LINK}\ntype Device @key(fields: "id") { id: ID! ${fields} }\ntype Query { ping: String }`;

function compositionError(subgraphs: Parameters<typeof composeSupergraph>[0]): CompositionError {
  try {
    composeSupergraph(subgraphs);
  } catch (error) {
    expect(error).toBeInstanceOf(CompositionError);
    return error as CompositionError;
  }
  throw new Error('expected composition to fail');
}

describe('composeSupergraph', () => {
  it('composes subgraphs that share the Device key', () => {
    const sdl = composeSupergraph([
      {
        name: 'maker',
        url: 'http://maker/',
        sdl: `${LINK}\ntype Device @key(fields: "id") { id: ID! model: String }\ntype Query { device(id: ID!): Device }`,
      },
      {
        name: 'scada',
        url: 'http://scada/',
        sdl: `${LINK}\ntype Device @key(fields: "id") { id: ID! outputPowerW: Float }`,
      },
    ]);
    expect(sdl).toContain('join__graph(name: "maker"');
    expect(sdl).toContain('outputPowerW: Float');
  });

  it('names both systems when they declare the same field', () => {
    const error = compositionError([
      { name: 'maker', url: 'http://maker/', sdl: device('ratedPowerW: Float') },
      { name: 'scada', url: 'http://scada/', sdl: device('ratedPowerW: Float') },
    ]);
    expect(error.code).toBe('COMPOSITION_FAILED');
    const issue = error.issues.find((i) => i.message.includes('ratedPowerW'));
    expect(issue?.subgraphs).toEqual(['maker', 'scada']);
    expect(error.message).toContain('[maker, scada]');
  });

  it('names the one system whose schema is broken', () => {
    const error = compositionError([
      { name: 'maker', url: 'http://maker/', sdl: device('model: String') },
      {
        name: 'broken',
        url: 'http://broken/',
        sdl: `${LINK}\ntype Device @key(fields: "serial") { id: ID! }`,
      },
    ]);
    expect(error.issues.every((i) => i.subgraphs.length === 1 && i.subgraphs[0] === 'broken')).toBe(
      true,
    );
  });

  it('reports SDL that does not parse against its subgraph', () => {
    const error = compositionError([{ name: 'garbled', url: 'http://g/', sdl: 'type Device {' }]);
    expect(error.issues).toEqual([
      expect.objectContaining({ code: 'INVALID_GRAPHQL', subgraphs: ['garbled'] }),
    ]);
  });
});
