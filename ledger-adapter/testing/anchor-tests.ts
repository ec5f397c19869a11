import { describe, expect, it } from 'vitest';
import { hex, type LedgerSuite } from './ledger-suite.js';

/** Anchoring commitments to field values, for the system's own fields. */
export function describeAnchors(suite: LedgerSuite): void {
  describe('anchors', () => {
    it("anchors commitments, counting versions, only for the system's own registered fields", async () => {
      const { systemCode, field } = await suite.newSystem();
      const deviceId = '88.1001.1/PVI-000010';
      await suite.adapter.anchorCommitments({
        systemCode,
        commitments: [{ deviceId, fieldCode: field(1), commitment: hex('a') }],
      });
      await suite.adapter.anchorCommitments({
        systemCode,
        commitments: [{ deviceId, fieldCode: field(1), commitment: hex('b') }],
      });
      const [anchor, none] = await suite.adapter.getAnchors([
        [deviceId, field(1)],
        [deviceId, field(2)],
      ]);
      expect(anchor).toMatchObject({
        deviceId,
        fieldCode: field(1),
        systemCode,
        commitment: hex('b'),
        version: 2,
      });
      expect(none).toBeNull();
      expect(
        await suite.refusal(
          suite.adapter.anchorCommitments({
            systemCode,
            commitments: [{ deviceId, fieldCode: '88.1.1.F0001', commitment: hex('c') }],
          }),
        ),
      ).toEqual({ code: 'LEDGER_REJECTED', contractCode: 'FIELD_NOT_OWNED' });
      expect(
        await suite.refusal(
          suite.adapter.anchorCommitments({
            systemCode,
            commitments: [{ deviceId, fieldCode: field(99), commitment: hex('c') }],
          }),
        ),
      ).toEqual({ code: 'LEDGER_REJECTED', contractCode: 'UNKNOWN_FIELD' });
      expect(
        await suite.refusal(
          suite.adapter.anchorCommitments({
            systemCode,
            commitments: [
              { deviceId, fieldCode: field(1), commitment: hex('c') },
              { deviceId, fieldCode: field(1), commitment: hex('d') },
            ],
          }),
        ),
      ).toEqual({ code: 'LEDGER_REJECTED', contractCode: 'INVALID_ARGUMENT' });
      expect(
        await suite.refusal(
          suite.adapter.anchorCommitments({
            systemCode,
            commitments: [{ deviceId, fieldCode: field(1), commitment: 'ABC' }],
          }),
        ),
      ).toEqual({ code: 'LEDGER_REJECTED', contractCode: 'INVALID_ARGUMENT' });
    });
  });
}

/** Replacing the anchor of a field whose change policy is `refuse`. */
export function describeAnchorReplacement(suite: LedgerSuite): void {
  describe('anchor replacement', () => {
    it('replaces the anchor of a refuse field only when the system vouches for the change', async () => {
      const { systemCode, field } = await suite.newSystem(2);
      await suite.adapter.registerFields({
        systemCode,
        fields: [
          {
            fieldCode: field(1),
            coordinate: `Device.s${suite.next}f1`,
            feeFen: 7,
            changePolicy: 'refuse',
          },
          {
            fieldCode: field(2),
            coordinate: `Device.s${suite.next}f2`,
            feeFen: 7,
            changePolicy: 'release-unverified',
          },
        ],
      });
      const deviceId = '88.1001.1/PVI-000011';
      await suite.adapter.anchorCommitments({
        systemCode,
        commitments: [
          { deviceId, fieldCode: field(1), commitment: hex('a') },
          { deviceId, fieldCode: field(2), commitment: hex('a') },
        ],
      });
      // A first anchor needs no vouching; replacing one of a refuse field does, and the whole batch is refused.
      expect(
        await suite.refusal(
          suite.adapter.anchorCommitments({
            systemCode,
            commitments: [
              { deviceId, fieldCode: field(2), commitment: hex('b') },
              { deviceId, fieldCode: field(1), commitment: hex('b') },
            ],
          }),
        ),
      ).toEqual({ code: 'LEDGER_REJECTED', contractCode: 'NOT_VOUCHED' });
      expect(
        (
          await suite.adapter.getAnchors([
            [deviceId, field(1)],
            [deviceId, field(2)],
          ])
        ).map((a) => a?.commitment),
      ).toEqual([hex('a'), hex('a')]);
      await suite.adapter.anchorCommitments({
        systemCode,
        commitments: [{ deviceId, fieldCode: field(2), commitment: hex('c') }],
      });
      await suite.adapter.anchorCommitments({
        systemCode,
        commitments: [{ deviceId, fieldCode: field(1), commitment: hex('d') }],
        vouched: true,
      });
      expect(
        await suite.adapter.getAnchors([
          [deviceId, field(1)],
          [deviceId, field(2)],
        ]),
      ).toMatchObject([
        { commitment: hex('d'), version: 2 },
        { commitment: hex('c'), version: 2 },
      ]);
      // A re-registration that names no policy keeps the one recorded.
      await suite.adapter.registerFields({
        systemCode,
        fields: [{ fieldCode: field(1), coordinate: `Device.s${suite.next}f1`, feeFen: 8 }],
      });
      expect((await suite.adapter.getFields([field(1)]))[0]).toMatchObject({
        feeFen: 8,
        changePolicy: 'refuse',
      });
    });
  });
}
