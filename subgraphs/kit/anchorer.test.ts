import { describe, expect, it } from 'vitest';
import { commitField, type Logger } from '../../schema/index.js';
import { openAnchorJournal } from './anchor-journal.js';
import { createAnchorer, type AnchorSink } from './anchorer.js';

describe('the anchorer', () => {
  it('anchors every other value when one has no canonical JSON, and names that one', async () => {
    const anchored: { deviceId: string; fieldCode: string; commitment: string }[] = [];
    const sink: AnchorSink = {
      fields: () =>
        Promise.resolve(
          new Map([['model', { code: '88.1001.1.F0001', changePolicy: 'refuse' as const }]]),
        ),
      anchored: (keys) => Promise.resolve(keys.map(() => false)),
      anchor: (commitments) => {
        anchored.push(...commitments);
        return Promise.resolve({ txId: 'tx-1' });
      },
    };
    const warnings: string[] = [];
    const logger: Logger = {
      debug() {},
      info() {},
      warn: (message: string) => warnings.push(message),
      error() {},
    };
    const journal = openAnchorJournal(':memory:');
    const rows = new Map([
      ['88.1001.1/INV-1', { model: 'SV-100K' }],
      ['88.1001.1/INV-2', { model: 'SV-\uD800' }],
    ]);
    const anchorer = createAnchorer({
      declaration: {
        name: 'maker',
        title: 'Maker',
        fields: [{ name: 'model', type: 'String', description: 'Model.' }],
        loadDevices: (ids) =>
          Promise.resolve(
            new Map(ids.flatMap((id) => (rows.has(id) ? [[id, rows.get(id) ?? {}]] : []))),
          ),
      },
      listDevices: () => Promise.resolve([...rows.keys()]),
      journal,
      sink,
      logger,
    });
    expect(await anchorer.anchorPass()).toEqual({ anchored: 1, unprovable: 0 });
    expect(anchored.map((a) => a.deviceId)).toEqual(['88.1001.1/INV-1']);
    const entry = journal.lookup(['88.1001.1/INV-1']).get('88.1001.1/INV-1', 'model');
    expect(anchored[0]?.commitment).toBe(
      commitField({
        deviceId: '88.1001.1/INV-1',
        fieldCode: '88.1001.1.F0001',
        salt: entry?.salt ?? '',
        value: 'SV-100K',
      }),
    );
    expect(warnings.join('\n')).toContain('88.1001.1/INV-2 model');
    expect(warnings.join('\n')).not.toContain('SV-');
    journal.close();
  });
});
