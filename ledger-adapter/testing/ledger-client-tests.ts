import { describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../ledger-client.js';
import { hex, type LedgerSuite } from './ledger-suite.js';

/**
 * The client's own behaviours: events per write, replayed from a block, and evaluation that
 * commits nothing.
 */
export function describeLedgerClient(suite: LedgerSuite): void {
  describe('events and evaluation', () => {
    it('emits one event per write and replays events from a start block', async () => {
      const { systemCode, field } = await suite.newSystem();
      const anchored = await suite.client.submit('AnchorCommitments', [
        JSON.stringify({
          systemCode,
          commitments: [
            { deviceId: '88.1001.1/PVI-000040', fieldCode: field(1), commitment: hex('e') },
          ],
        }),
      ]);
      const controller = new AbortController();
      const seen: LedgerEvent[] = [];
      for await (const event of suite.client.events({
        startBlock: anchored.blockNumber,
        signal: controller.signal,
      })) {
        seen.push(event);
        if (event.txId === anchored.txId) controller.abort();
      }
      const mine = seen.find((e) => e.txId === anchored.txId);
      expect(mine?.name).toBe('CommitmentsAnchored');
      expect(mine?.blockNumber).toBe(anchored.blockNumber);
      expect(JSON.parse(new TextDecoder().decode(mine?.payload))).toEqual({
        systemCode,
        keys: [['88.1001.1/PVI-000040', field(1)]],
      });
      expect(seen.filter((e) => e.txId === anchored.txId)).toHaveLength(1);
    });

    it('does not commit an evaluated write', async () => {
      suite.next += 1;
      const systemCode = `88.${3000 + suite.next}.7`;
      await suite.client.evaluate('RegisterFields', [
        JSON.stringify({
          systemCode,
          fields: [{ fieldCode: `${systemCode}.F0001`, coordinate: 'Device.x', feeFen: 1 }],
        }),
      ]);
      expect(
        JSON.parse(
          new TextDecoder().decode(
            await suite.client.evaluate('GetFields', [JSON.stringify([`${systemCode}.F0001`])]),
          ),
        ),
      ).toEqual([null]);
    });
  });
}
