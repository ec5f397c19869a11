import { describe, expect, it } from 'vitest';
import type { LedgerSuite } from './ledger-suite.js';

/** The association catalog: which system holds which fields of a device. */
export function describeCatalog(suite: LedgerSuite): void {
  describe('association catalog', () => {
    it('keeps the association catalog, marking devices two systems hold as key devices', async () => {
      const a = await suite.newSystem();
      const b = await suite.newSystem();
      await suite.adapter.putCatalogEntries({
        entries: [
          {
            deviceId: '88.1001.1/PVI-000001',
            holdings: [
              { systemCode: b.systemCode, fieldCodes: [b.field(2), b.field(1)] },
              { systemCode: a.systemCode, fieldCodes: [a.field(1)] },
            ],
          },
          {
            deviceId: '88.1001.1/PVI-000002',
            holdings: [{ systemCode: a.systemCode, fieldCodes: [a.field(1)] }],
          },
        ],
      });
      const [shared, single, none] = await suite.adapter.getCatalogEntries([
        '88.1001.1/PVI-000001',
        '88.1001.1/PVI-000002',
        '88.1001.1/PVI-999999',
      ]);
      expect(shared?.key).toBe(true);
      expect(shared?.holdings).toEqual(
        [
          { systemCode: a.systemCode, fieldCodes: [a.field(1)] },
          { systemCode: b.systemCode, fieldCodes: [b.field(1), b.field(2)] },
        ].sort((x, y) => (x.systemCode < y.systemCode ? -1 : 1)),
      );
      expect(single?.key).toBe(false);
      expect(none).toBeNull();
      expect(
        await suite.refusal(
          suite.adapter.putCatalogEntries({
            entries: [
              {
                deviceId: '88.1001.1/PVI-000003',
                holdings: [{ systemCode: a.systemCode, fieldCodes: [a.field(99)] }],
              },
            ],
          }),
        ),
      ).toEqual({ code: 'LEDGER_REJECTED', contractCode: 'UNKNOWN_FIELD' });
      expect(
        await suite.refusal(
          suite.adapter.putCatalogEntries({
            entries: [
              {
                deviceId: '88.1001.1/PVI-000003',
                holdings: [{ systemCode: a.systemCode, fieldCodes: [b.field(1)] }],
              },
            ],
          }),
        ),
      ).toEqual({ code: 'LEDGER_REJECTED', contractCode: 'FIELD_NOT_OWNED' });
    });
  });
}

/** Parsing rules: which fields an application's function and role may read. */
export function describeParsingRules(suite: LedgerSuite): void {
  describe('parsing rules', () => {
    it('answers a role with its own rule, else the rule for every role', async () => {
      const { field } = await suite.newSystem();
      const applicationId = suite.app();
      await suite.adapter.putParsingRule({
        applicationId,
        function: 'lifecycle',
        role: '*',
        fieldCodes: [field(1)],
      });
      await suite.adapter.putParsingRule({
        applicationId,
        function: 'lifecycle',
        role: 'auditor',
        fieldCodes: [field(1), field(2)],
      });
      expect(
        (
          await suite.adapter.getParsingRule({
            applicationId,
            function: 'lifecycle',
            role: 'auditor',
          })
        )?.fieldCodes,
      ).toEqual([field(1), field(2)]);
      expect(
        await suite.adapter.getParsingRule({
          applicationId,
          function: 'lifecycle',
          role: 'om-engineer',
        }),
      ).toMatchObject({ role: '*', fieldCodes: [field(1)] });
      expect(
        await suite.adapter.getParsingRule({ applicationId, function: 'other', role: 'auditor' }),
      ).toBeNull();
      expect(
        await suite.refusal(
          suite.adapter.putParsingRule({
            applicationId,
            function: 'lifecycle',
            role: '*',
            fieldCodes: ['88.9.9.F0001'],
          }),
        ),
      ).toEqual({ code: 'LEDGER_REJECTED', contractCode: 'UNKNOWN_FIELD' });
    });
  });
}
