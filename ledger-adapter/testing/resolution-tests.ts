import { describe, expect, it } from 'vitest';
import type { LedgerSuite } from './ledger-suite.js';

/** Resolving devices to the fields a rule grants, one resolution at a time. */
export function describeResolutions(suite: LedgerSuite): void {
  describe('resolutions', () => {
    it('resolves devices to the held fields with their fees, and records the resolution', async () => {
      const a = await suite.newSystem(3, 10);
      const b = await suite.newSystem(3, 20);
      const applicationId = suite.app();
      const deviceId = `88.1001.1/PVM-${String(suite.next).padStart(6, '0')}`;
      await suite.adapter.putCatalogEntries({
        entries: [
          {
            deviceId,
            holdings: [
              { systemCode: a.systemCode, fieldCodes: [a.field(1)] },
              { systemCode: b.systemCode, fieldCodes: [b.field(2)] },
            ],
          },
        ],
      });
      await suite.adapter.putParsingRule({
        applicationId,
        function: 'lifecycle',
        role: '*',
        fieldCodes: [b.field(2), a.field(1), a.field(3)],
      });
      const resolution = await suite.adapter.resolve({
        applicationId,
        function: 'lifecycle',
        role: 'om-engineer',
        deviceIds: [deviceId, '88.1001.1/UNKNOWN-1'],
      });
      expect(resolution.devices).toEqual([
        {
          deviceId,
          fields: [
            {
              fieldCode: b.field(2),
              systemCode: b.systemCode,
              coordinate: expect.any(String) as string,
              feeFen: 20,
            },
            {
              fieldCode: a.field(1),
              systemCode: a.systemCode,
              coordinate: expect.any(String) as string,
              feeFen: 10,
            },
          ],
        },
        { deviceId: '88.1001.1/UNKNOWN-1', fields: [] },
      ]);
      expect(resolution.totalFeeFen).toBe(30);
      expect(await suite.adapter.getResolution(resolution.resolutionId)).toEqual(resolution);
      expect(
        await suite.refusal(
          suite.adapter.resolve({
            applicationId,
            function: 'nothing',
            role: 'om-engineer',
            deviceIds: [deviceId],
          }),
        ),
      ).toEqual({ code: 'LEDGER_REJECTED', contractCode: 'NO_RULE' });
    });
  });
}

/** Recording resolutions in batches under ids the caller gives. */
export function describeResolutionBatches(suite: LedgerSuite): void {
  describe('resolution batches', () => {
    it('records a batch of resolutions under the ids given, as Resolve would, refusing rule-less and taken ones alone', async () => {
      const a = await suite.newSystem(2, 7);
      const applicationId = suite.app();
      const deviceId = `88.1001.1/PVM-${String(suite.next).padStart(6, '0')}`;
      await suite.adapter.putCatalogEntries({
        entries: [
          {
            deviceId,
            holdings: [{ systemCode: a.systemCode, fieldCodes: [a.field(1), a.field(2)] }],
          },
        ],
      });
      await suite.adapter.putParsingRule({
        applicationId,
        function: 'lifecycle',
        role: '*',
        fieldCodes: [a.field(2)],
      });
      const id = (c: string): string => c.repeat(64);
      const batch = await suite.adapter.resolveBatch([
        {
          resolutionId: id('a'),
          applicationId,
          function: 'lifecycle',
          role: 'analyst',
          deviceIds: [deviceId],
        },
        {
          resolutionId: id('b'),
          applicationId,
          function: 'no-such-function',
          role: 'analyst',
          deviceIds: [deviceId],
        },
      ]);
      expect(batch).toEqual({
        recorded: [id('a')],
        refused: [{ resolutionId: id('b'), code: 'NO_RULE' }],
      });
      expect(await suite.adapter.getResolution(id('a'))).toMatchObject({
        resolutionId: id('a'),
        devices: [{ deviceId, fields: [{ fieldCode: a.field(2), feeFen: 7 }] }],
        totalFeeFen: 7,
      });
      expect(await suite.adapter.getResolution(id('b'))).toBeNull();
      expect(
        await suite.adapter.resolveBatch([
          {
            resolutionId: id('a'),
            applicationId,
            function: 'lifecycle',
            role: 'analyst',
            deviceIds: [deviceId],
          },
        ]),
      ).toEqual({ recorded: [], refused: [{ resolutionId: id('a'), code: 'CONFLICT' }] });
    });
  });
}
