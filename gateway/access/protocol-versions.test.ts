import { describe, expect, it } from 'vitest';
import { GridmarkError } from '../../schema/index.js';
import { UNSUPPORTED_BELIEVED_MS, createProtocolVersions } from './protocol-versions.js';

describe('protocol versions per system', () => {
  it('speaks version 1 to a system that announced nothing, or announced 1', () => {
    const versions = createProtocolVersions();
    expect(versions.headerFor('maker', 0)).toEqual({ 'x-gridmark-protocol': '1' });
    versions.learn('maker', undefined, 0);
    expect(versions.headerFor('maker', 0)).toEqual({ 'x-gridmark-protocol': '1' });
    versions.learn('maker', [1, 2, 'x', -1], 0);
    expect(versions.headerFor('maker', 0)).toEqual({ 'x-gridmark-protocol': '1' });
  });

  it('reports a system that speaks none of its versions, then hears it again after a while', () => {
    const versions = createProtocolVersions();
    versions.learn('scada', [2, 3], 0);
    let error: unknown;
    try {
      versions.headerFor('scada', 1_000);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GridmarkError);
    expect(error).toMatchObject({
      code: 'PROTOCOL_UNSUPPORTED',
      details: { system: 'scada', supported: [1] },
    });
    versions.learn('scada', 'not a list', 1_000);
    expect(() => versions.headerFor('scada', 1_000)).toThrow(GridmarkError);
    expect(versions.headerFor('scada', 1_000 + UNSUPPORTED_BELIEVED_MS)).toEqual({
      'x-gridmark-protocol': '1',
    });
  });
});
