import { describe, expect, it } from 'vitest';
import { hex, type LedgerSuite } from './ledger-suite.js';

/** Tamper reports: recorded against an anchor, listed by system. */
export function describeTamperReports(suite: LedgerSuite): void {
  describe('tamper reports', () => {
    it('records tamper reports and lists them by system', async () => {
      const { systemCode, field } = await suite.newSystem();
      const applicationId = suite.app();
      const deviceId = '88.1001.1/PVI-000030';
      await suite.adapter.putCatalogEntries({
        entries: [{ deviceId, holdings: [{ systemCode, fieldCodes: [field(1)] }] }],
      });
      await suite.adapter.putParsingRule({
        applicationId,
        function: 'om',
        role: '*',
        fieldCodes: [field(1)],
      });
      const { resolutionId } = await suite.adapter.resolve({
        applicationId,
        function: 'om',
        role: 'om-engineer',
        deviceIds: [deviceId],
      });
      const base = {
        deviceId,
        fieldCode: field(1),
        systemCode,
        anchoredCommitment: hex('a'),
        observedCommitment: hex('b'),
        resolutionId,
      };
      expect(await suite.refusal(suite.adapter.reportTamper(base))).toEqual({
        code: 'LEDGER_REJECTED',
        contractCode: 'NOT_FOUND',
      });
      await suite.adapter.anchorCommitments({
        systemCode,
        commitments: [{ deviceId, fieldCode: field(1), commitment: hex('a') }],
      });
      const report = await suite.adapter.reportTamper(base);
      expect(report).toMatchObject({
        ...base,
        reportId: expect.any(String) as string,
        reportedBy: expect.any(String) as string,
      });
      expect(await suite.adapter.getTamperReports(systemCode)).toEqual([report]);
      expect(
        await suite.refusal(suite.adapter.reportTamper({ ...base, observedCommitment: hex('a') })),
      ).toEqual({ code: 'LEDGER_REJECTED', contractCode: 'INVALID_ARGUMENT' });
    });
  });
}
