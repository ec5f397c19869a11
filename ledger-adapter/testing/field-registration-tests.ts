import { describe, expect, it } from 'vitest';
import type { LedgerSuite } from './ledger-suite.js';

/** Registering fields, and the refusals of malformed or unknown input. */
export function describeFieldRegistration(suite: LedgerSuite): void {
  describe('field registration and input checks', () => {
    it('registers fields, keeps the first registration time and takes a new fee', async () => {
      const { systemCode, field } = await suite.newSystem(2, 5);
      const [first] = await suite.adapter.getFields([field(1)]);
      expect(first).toMatchObject({ fieldCode: field(1), systemCode, feeFen: 5 });
      await suite.adapter.registerFields({
        systemCode,
        fields: [{ fieldCode: field(1), coordinate: 'Device.renamed', feeFen: 9 }],
      });
      const [again, unknown] = await suite.adapter.getFields([field(1), field(9)]);
      expect(again).toMatchObject({
        coordinate: 'Device.renamed',
        feeFen: 9,
        registeredAt: first?.registeredAt,
      });
      expect(unknown).toBeNull();
    });

    it('refuses to register a field code of another system', async () => {
      const { systemCode } = await suite.newSystem();
      expect(
        await suite.refusal(
          suite.adapter.registerFields({
            systemCode,
            fields: [{ fieldCode: '88.1.1.F0001', coordinate: 'Device.x', feeFen: 1 }],
          }),
        ),
      ).toEqual({ code: 'LEDGER_REJECTED', contractCode: 'FIELD_NOT_OWNED' });
    });

    it('refuses malformed input inside the contract', async () => {
      expect(
        await suite.refusal(
          suite.adapter.putCatalogEntries({ entries: [{ deviceId: 'no slash', holdings: [] }] }),
        ),
      ).toEqual({ code: 'LEDGER_REJECTED', contractCode: 'INVALID_ARGUMENT' });
      expect(
        await suite.refusal(suite.client.submit('RegisterFields', ['{"systemCode":'])),
      ).toEqual({
        code: 'LEDGER_REJECTED',
        contractCode: 'INVALID_ARGUMENT',
      });
      expect(
        await suite.refusal(
          suite.adapter.registerFields({
            systemCode: '88.1.1',
            fields: [{ fieldCode: '88.1.1.F0001', coordinate: 'Device.x', feeFen: 1.5 }],
          }),
        ),
      ).toEqual({ code: 'LEDGER_REJECTED', contractCode: 'INVALID_ARGUMENT' });
    });

    it('refuses a transaction the contract does not have', async () => {
      expect(await suite.refusal(suite.client.submit('DropEverything', ['{}']))).toEqual({
        code: 'LEDGER_REJECTED',
        contractCode: 'UNKNOWN_TRANSACTION',
      });
    });
  });
}
