import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GridmarkError } from '../../schema/index.js';
import { createLedgerAdapter, type LedgerAdapter } from '../adapter/index.js';
import { verifyTradeReceipt, type Trade } from '../contract/index.js';
import type { LedgerClient, LedgerEvent } from '../ledger-client.js';

/**
 * The behaviours every ledger must show, whatever runs the contract: run it against each
 * {@link LedgerClient} implementation (the embedded ledger, Fabric through the test peer).
 * `makeClient` is called once; the tests share the ledger and keep apart by using their own
 * system codes and applications. The client is closed at the end.
 *
 * @example describeLedgerContract('embedded ledger', () => createEmbeddedLedger({ path }));
 */
export function describeLedgerContract(
  name: string,
  makeClient: () => Promise<LedgerClient> | LedgerClient,
): void {
  describe(`ledger contract on ${name}`, () => {
    let client: LedgerClient;
    let adapter: LedgerAdapter;
    let next = 0;
    /** A system code of this test's own, with `count` registered fields (F0001...). */
    async function newSystem(
      count = 3,
      feeFen = 7,
    ): Promise<{ systemCode: string; field: (n: number) => string }> {
      next += 1;
      const systemCode = `88.${3000 + next}.${Math.floor(Math.random() * 1e6)}`;
      const field = (n: number): string => `${systemCode}.F${String(n).padStart(4, '0')}`;
      await adapter.registerFields({
        systemCode,
        fields: Array.from({ length: count }, (_, i) => ({
          fieldCode: field(i + 1),
          coordinate: `Device.s${next}f${i + 1}`,
          feeFen,
        })),
      });
      return { systemCode, field };
    }
    const app = (): string => `APP-T${next}-${Math.floor(Math.random() * 1e6)}`;
    const hex = (c: string): string => c.repeat(64);
    async function refusal(
      promise: Promise<unknown>,
    ): Promise<{ code: string; contractCode: unknown }> {
      const error = await promise.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, 'the ledger accepted what it should refuse').toBeInstanceOf(GridmarkError);
      const gridmark = error as GridmarkError;
      return { code: gridmark.code, contractCode: gridmark.details['contractCode'] };
    }

    beforeAll(async () => {
      client = await makeClient();
      adapter = await createLedgerAdapter(client);
    });
    afterAll(async () => {
      await adapter?.close();
    });

    it('registers fields, keeps the first registration time and takes a new fee', async () => {
      const { systemCode, field } = await newSystem(2, 5);
      const [first] = await adapter.getFields([field(1)]);
      expect(first).toMatchObject({ fieldCode: field(1), systemCode, feeFen: 5 });
      await adapter.registerFields({
        systemCode,
        fields: [{ fieldCode: field(1), coordinate: 'Device.renamed', feeFen: 9 }],
      });
      const [again, unknown] = await adapter.getFields([field(1), field(9)]);
      expect(again).toMatchObject({
        coordinate: 'Device.renamed',
        feeFen: 9,
        registeredAt: first?.registeredAt,
      });
      expect(unknown).toBeNull();
    });

    it('refuses to register a field code of another system', async () => {
      const { systemCode } = await newSystem();
      expect(
        await refusal(
          adapter.registerFields({
            systemCode,
            fields: [{ fieldCode: '88.1.1.F0001', coordinate: 'Device.x', feeFen: 1 }],
          }),
        ),
      ).toEqual({ code: 'LEDGER_REJECTED', contractCode: 'FIELD_NOT_OWNED' });
    });

    it('refuses malformed input inside the contract', async () => {
      expect(
        await refusal(
          adapter.putCatalogEntries({ entries: [{ deviceId: 'no slash', holdings: [] }] }),
        ),
      ).toEqual({ code: 'LEDGER_REJECTED', contractCode: 'INVALID_ARGUMENT' });
      expect(await refusal(client.submit('RegisterFields', ['{"systemCode":']))).toEqual({
        code: 'LEDGER_REJECTED',
        contractCode: 'INVALID_ARGUMENT',
      });
      expect(
        await refusal(
          adapter.registerFields({
            systemCode: '88.1.1',
            fields: [{ fieldCode: '88.1.1.F0001', coordinate: 'Device.x', feeFen: 1.5 }],
          }),
        ),
      ).toEqual({ code: 'LEDGER_REJECTED', contractCode: 'INVALID_ARGUMENT' });
    });

    it('refuses a transaction the contract does not have', async () => {
      expect(await refusal(client.submit('DropEverything', ['{}']))).toEqual({
        code: 'LEDGER_REJECTED',
        contractCode: 'UNKNOWN_TRANSACTION',
      });
    });

    it('keeps the association catalog, marking devices two systems hold as key devices', async () => {
      const a = await newSystem();
      const b = await newSystem();
      await adapter.putCatalogEntries({
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
      const [shared, single, none] = await adapter.getCatalogEntries([
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
        await refusal(
          adapter.putCatalogEntries({
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
        await refusal(
          adapter.putCatalogEntries({
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

    it('answers a role with its own rule, else the rule for every role', async () => {
      const { field } = await newSystem();
      const applicationId = app();
      await adapter.putParsingRule({
        applicationId,
        function: 'lifecycle',
        role: '*',
        fieldCodes: [field(1)],
      });
      await adapter.putParsingRule({
        applicationId,
        function: 'lifecycle',
        role: 'auditor',
        fieldCodes: [field(1), field(2)],
      });
      expect(
        (await adapter.getParsingRule({ applicationId, function: 'lifecycle', role: 'auditor' }))
          ?.fieldCodes,
      ).toEqual([field(1), field(2)]);
      expect(
        await adapter.getParsingRule({ applicationId, function: 'lifecycle', role: 'om-engineer' }),
      ).toMatchObject({ role: '*', fieldCodes: [field(1)] });
      expect(
        await adapter.getParsingRule({ applicationId, function: 'other', role: 'auditor' }),
      ).toBeNull();
      expect(
        await refusal(
          adapter.putParsingRule({
            applicationId,
            function: 'lifecycle',
            role: '*',
            fieldCodes: ['88.9.9.F0001'],
          }),
        ),
      ).toEqual({ code: 'LEDGER_REJECTED', contractCode: 'UNKNOWN_FIELD' });
    });

    it('resolves devices to the held fields with their fees, and records the resolution', async () => {
      const a = await newSystem(3, 10);
      const b = await newSystem(3, 20);
      const applicationId = app();
      const deviceId = `88.1001.1/PVM-${String(next).padStart(6, '0')}`;
      await adapter.putCatalogEntries({
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
      await adapter.putParsingRule({
        applicationId,
        function: 'lifecycle',
        role: '*',
        fieldCodes: [b.field(2), a.field(1), a.field(3)],
      });
      const resolution = await adapter.resolve({
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
      expect(await adapter.getResolution(resolution.resolutionId)).toEqual(resolution);
      expect(
        await refusal(
          adapter.resolve({
            applicationId,
            function: 'nothing',
            role: 'om-engineer',
            deviceIds: [deviceId],
          }),
        ),
      ).toEqual({ code: 'LEDGER_REJECTED', contractCode: 'NO_RULE' });
    });

    it('records a batch of resolutions under the ids given, as Resolve would, refusing rule-less and taken ones alone', async () => {
      const a = await newSystem(2, 7);
      const applicationId = app();
      const deviceId = `88.1001.1/PVM-${String(next).padStart(6, '0')}`;
      await adapter.putCatalogEntries({
        entries: [
          {
            deviceId,
            holdings: [{ systemCode: a.systemCode, fieldCodes: [a.field(1), a.field(2)] }],
          },
        ],
      });
      await adapter.putParsingRule({
        applicationId,
        function: 'lifecycle',
        role: '*',
        fieldCodes: [a.field(2)],
      });
      const id = (c: string): string => c.repeat(64);
      const batch = await adapter.resolveBatch([
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
      expect(await adapter.getResolution(id('a'))).toMatchObject({
        resolutionId: id('a'),
        devices: [{ deviceId, fields: [{ fieldCode: a.field(2), feeFen: 7 }] }],
        totalFeeFen: 7,
      });
      expect(await adapter.getResolution(id('b'))).toBeNull();
      expect(
        await adapter.resolveBatch([
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

    it("anchors commitments, counting versions, only for the system's own registered fields", async () => {
      const { systemCode, field } = await newSystem();
      const deviceId = '88.1001.1/PVI-000010';
      await adapter.anchorCommitments({
        systemCode,
        commitments: [{ deviceId, fieldCode: field(1), commitment: hex('a') }],
      });
      await adapter.anchorCommitments({
        systemCode,
        commitments: [{ deviceId, fieldCode: field(1), commitment: hex('b') }],
      });
      const [anchor, none] = await adapter.getAnchors([
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
        await refusal(
          adapter.anchorCommitments({
            systemCode,
            commitments: [{ deviceId, fieldCode: '88.1.1.F0001', commitment: hex('c') }],
          }),
        ),
      ).toEqual({ code: 'LEDGER_REJECTED', contractCode: 'FIELD_NOT_OWNED' });
      expect(
        await refusal(
          adapter.anchorCommitments({
            systemCode,
            commitments: [{ deviceId, fieldCode: field(99), commitment: hex('c') }],
          }),
        ),
      ).toEqual({ code: 'LEDGER_REJECTED', contractCode: 'UNKNOWN_FIELD' });
      expect(
        await refusal(
          adapter.anchorCommitments({
            systemCode,
            commitments: [
              { deviceId, fieldCode: field(1), commitment: hex('c') },
              { deviceId, fieldCode: field(1), commitment: hex('d') },
            ],
          }),
        ),
      ).toEqual({ code: 'LEDGER_REJECTED', contractCode: 'INVALID_ARGUMENT' });
      expect(
        await refusal(
          adapter.anchorCommitments({
            systemCode,
            commitments: [{ deviceId, fieldCode: field(1), commitment: 'ABC' }],
          }),
        ),
      ).toEqual({ code: 'LEDGER_REJECTED', contractCode: 'INVALID_ARGUMENT' });
    });

    it('replaces the anchor of a refuse field only when the system vouches for the change', async () => {
      const { systemCode, field } = await newSystem(2);
      await adapter.registerFields({
        systemCode,
        fields: [
          {
            fieldCode: field(1),
            coordinate: `Device.s${next}f1`,
            feeFen: 7,
            changePolicy: 'refuse',
          },
          {
            fieldCode: field(2),
            coordinate: `Device.s${next}f2`,
            feeFen: 7,
            changePolicy: 'release-unverified',
          },
        ],
      });
      const deviceId = '88.1001.1/PVI-000011';
      await adapter.anchorCommitments({
        systemCode,
        commitments: [
          { deviceId, fieldCode: field(1), commitment: hex('a') },
          { deviceId, fieldCode: field(2), commitment: hex('a') },
        ],
      });
      // A first anchor needs no vouching; replacing one of a refuse field does, and the whole batch is refused.
      expect(
        await refusal(
          adapter.anchorCommitments({
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
          await adapter.getAnchors([
            [deviceId, field(1)],
            [deviceId, field(2)],
          ])
        ).map((a) => a?.commitment),
      ).toEqual([hex('a'), hex('a')]);
      await adapter.anchorCommitments({
        systemCode,
        commitments: [{ deviceId, fieldCode: field(2), commitment: hex('c') }],
      });
      await adapter.anchorCommitments({
        systemCode,
        commitments: [{ deviceId, fieldCode: field(1), commitment: hex('d') }],
        vouched: true,
      });
      expect(
        await adapter.getAnchors([
          [deviceId, field(1)],
          [deviceId, field(2)],
        ]),
      ).toMatchObject([
        { commitment: hex('d'), version: 2 },
        { commitment: hex('c'), version: 2 },
      ]);
      // A re-registration that names no policy keeps the one recorded.
      await adapter.registerFields({
        systemCode,
        fields: [{ fieldCode: field(1), coordinate: `Device.s${next}f1`, feeFen: 8 }],
      });
      expect((await adapter.getFields([field(1)]))[0]).toMatchObject({
        feeFen: 8,
        changePolicy: 'refuse',
      });
    });

    describe('trades', () => {
      /** Two systems' fields (10 and 20 fen) on two devices, resolved for a new application; `trade` buys some of them. */
      async function tradeSetup(): Promise<{
        trade: (tradeId: string, changes?: Partial<Trade>) => Trade;
        a: Awaited<ReturnType<typeof newSystem>>;
        b: Awaited<ReturnType<typeof newSystem>>;
        deviceIds: [string, string];
      }> {
        const a = await newSystem(2, 10);
        const b = await newSystem(2, 20);
        const applicationId = app();
        const deviceIds: [string, string] = [
          `88.1001.1/PVI-T${next}-1`,
          `88.1001.1/PVI-T${next}-2`,
        ];
        await adapter.putCatalogEntries({
          entries: [
            {
              deviceId: deviceIds[0],
              holdings: [
                { systemCode: a.systemCode, fieldCodes: [a.field(1), a.field(2)] },
                { systemCode: b.systemCode, fieldCodes: [b.field(1)] },
              ],
            },
            {
              deviceId: deviceIds[1],
              holdings: [{ systemCode: a.systemCode, fieldCodes: [a.field(1)] }],
            },
          ],
        });
        await adapter.putParsingRule({
          applicationId,
          function: 'finance',
          role: '*',
          fieldCodes: [a.field(1), a.field(2), b.field(1)],
        });
        const { resolutionId } = await adapter.resolve({
          applicationId,
          function: 'finance',
          role: 'analyst',
          deviceIds,
        });
        // a: 10 + 10 on the first device, 10 on the second = 30, paid 27; b: 20, paid 18; platform: 3 + 2 commissions and 1 resolution fee.
        const trade = (tradeId: string, changes: Partial<Trade> = {}): Trade => ({
          tradeId,
          applicationId,
          resolutionId,
          function: 'finance',
          items: [
            { deviceId: deviceIds[0], fieldCodes: [a.field(1), a.field(2), b.field(1)] },
            { deviceId: deviceIds[1], fieldCodes: [a.field(1)] },
          ],
          payees: [
            { systemCode: a.systemCode, grossFen: 30, amountFen: 27 },
            { systemCode: b.systemCode, grossFen: 20, amountFen: 18 },
          ],
          platformFeeFen: 6,
          amountFen: 51,
          at: '2026-03-01T08:00:00.000Z',
          ...changes,
        });
        return { trade, a, b, deviceIds };
      }

      it('records trades with Merkle receipts that prove each one and no altered one', async () => {
        const { trade } = await tradeSetup();
        const trades = [trade(`T-${next}-1`), trade(`T-${next}-2`), trade(`T-${next}-3`)];
        const { receipts } = await adapter.recordTrades(trades);
        expect(receipts.map((r, i) => verifyTradeReceipt(trades[i] as Trade, r))).toEqual([
          true,
          true,
          true,
        ]);
        expect(new Set(receipts.map((r) => r.merkleRoot)).size).toBe(1);
        expect(
          verifyTradeReceipt(
            trade(`T-${next}-1`, { platformFeeFen: 7, amountFen: 52 }),
            receipts[0] as (typeof receipts)[0],
          ),
        ).toBe(false);
        expect(await adapter.getTrade(`T-${next}-3`)).toEqual({
          trade: trades[2],
          receipt: receipts[2],
        });
        expect(await adapter.getTrade(`T-${next}-4`)).toBeNull();
      });

      it('answers a replayed identical trade with its first receipt, alone or among new ones', async () => {
        const { trade } = await tradeSetup();
        const first = await adapter.recordTrades([trade(`T-${next}-1`), trade(`T-${next}-2`)]);
        expect((await adapter.recordTrades([trade(`T-${next}-2`)])).receipts).toEqual([
          first.receipts[1],
        ]);
        const mixed = await adapter.recordTrades([trade(`T-${next}-1`), trade(`T-${next}-3`)]);
        expect(mixed.receipts[0]).toEqual(first.receipts[0]);
        expect(mixed.receipts[1]?.txId).not.toBe(first.receipts[0]?.txId);
        expect(
          verifyTradeReceipt(trade(`T-${next}-3`), mixed.receipts[1] as (typeof mixed.receipts)[0]),
        ).toBe(true);
      });

      it('refuses a different trade under a used id (CONFLICT), recording nothing of its call', async () => {
        const { trade } = await tradeSetup();
        await adapter.recordTrades([trade(`T-${next}-1`)]);
        const changed = trade(`T-${next}-1`, { platformFeeFen: 7, amountFen: 52 });
        expect(await refusal(adapter.recordTrades([trade(`T-${next}-2`), changed]))).toEqual({
          code: 'LEDGER_REJECTED',
          contractCode: 'CONFLICT',
        });
        expect(await adapter.getTrade(`T-${next}-2`)).toBeNull();
      });

      it('refuses a trade that overstates a gross, names a field not resolved, or pays a system that holds none of the fields', async () => {
        const { trade, a, b, deviceIds } = await tradeSetup();
        const other = await newSystem(1, 5);
        const [payeeA, payeeB] = trade('x').payees as [
          Trade['payees'][number],
          Trade['payees'][number],
        ];
        const reason = async (t: Trade): Promise<string> => {
          const error = await adapter.recordTrades([t]).then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(error).toBeInstanceOf(GridmarkError);
          expect((error as GridmarkError).details['contractCode']).toBe('INVALID_ARGUMENT');
          return String((error as GridmarkError).details['reason']);
        };
        expect(
          await reason(
            trade(`T-${next}-1`, {
              payees: [{ ...payeeA, grossFen: 31, amountFen: 28 }, payeeB],
              amountFen: 52,
            }),
          ),
        ).toMatch(/gross of 31 fen but its traded fields' fee standards add up to 30/);
        expect(
          await reason(
            trade(`T-${next}-2`, {
              items: [{ deviceId: deviceIds[1], fieldCodes: [a.field(1), b.field(1)] }],
              payees: [{ ...payeeA, grossFen: 10, amountFen: 9 }, payeeB],
              amountFen: 33,
            }),
          ),
        ).toMatch(/was not resolved for device/);
        expect(
          await reason(
            trade(`T-${next}-3`, {
              payees: [payeeA, payeeB, { systemCode: other.systemCode, grossFen: 0, amountFen: 0 }],
            }),
          ),
        ).toMatch(/holds none of the traded fields/);
        expect(await reason(trade(`T-${next}-4`, { amountFen: 1 }))).toMatch(/add up to 51/);
        expect(
          await refusal(adapter.recordTrades([trade(`T-${next}-5`, { resolutionId: 'nope' })])),
        ).toEqual({ code: 'LEDGER_REJECTED', contractCode: 'NOT_FOUND' });
        for (const n of [1, 2, 3, 4, 5])
          expect(await adapter.getTrade(`T-${next}-${n}`)).toBeNull();
      });
    });

    it('records tamper reports and lists them by system', async () => {
      const { systemCode, field } = await newSystem();
      const applicationId = app();
      const deviceId = '88.1001.1/PVI-000030';
      await adapter.putCatalogEntries({
        entries: [{ deviceId, holdings: [{ systemCode, fieldCodes: [field(1)] }] }],
      });
      await adapter.putParsingRule({
        applicationId,
        function: 'om',
        role: '*',
        fieldCodes: [field(1)],
      });
      const { resolutionId } = await adapter.resolve({
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
      expect(await refusal(adapter.reportTamper(base))).toEqual({
        code: 'LEDGER_REJECTED',
        contractCode: 'NOT_FOUND',
      });
      await adapter.anchorCommitments({
        systemCode,
        commitments: [{ deviceId, fieldCode: field(1), commitment: hex('a') }],
      });
      const report = await adapter.reportTamper(base);
      expect(report).toMatchObject({
        ...base,
        reportId: expect.any(String) as string,
        reportedBy: expect.any(String) as string,
      });
      expect(await adapter.getTamperReports(systemCode)).toEqual([report]);
      expect(
        await refusal(adapter.reportTamper({ ...base, observedCommitment: hex('a') })),
      ).toEqual({ code: 'LEDGER_REJECTED', contractCode: 'INVALID_ARGUMENT' });
    });

    it('emits one event per write and replays events from a start block', async () => {
      const { systemCode, field } = await newSystem();
      const anchored = await client.submit('AnchorCommitments', [
        JSON.stringify({
          systemCode,
          commitments: [
            { deviceId: '88.1001.1/PVI-000040', fieldCode: field(1), commitment: hex('e') },
          ],
        }),
      ]);
      const controller = new AbortController();
      const seen: LedgerEvent[] = [];
      for await (const event of client.events({
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
      next += 1;
      const systemCode = `88.${3000 + next}.7`;
      await client.evaluate('RegisterFields', [
        JSON.stringify({
          systemCode,
          fields: [{ fieldCode: `${systemCode}.F0001`, coordinate: 'Device.x', feeFen: 1 }],
        }),
      ]);
      expect(
        JSON.parse(
          new TextDecoder().decode(
            await client.evaluate('GetFields', [JSON.stringify([`${systemCode}.F0001`])]),
          ),
        ),
      ).toEqual([null]);
    });
  });
}
