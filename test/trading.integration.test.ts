import Database from 'better-sqlite3';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEVELOPMENT_OUTBOUND,
  createGateway,
  createRegistry,
  openSqliteBillingStore,
  openSqliteRegistryStore,
  type BillingStore,
  type Caller,
  type Gateway,
  type Registry,
} from '../gateway/index.js';
import { onboardEnterprise } from '../gateway/testing/index.js';
import {
  createLedger,
  verifyTradeReceipt,
  type LedgerAdapter,
  type Trade,
  type TradeReceipt,
} from '../ledger-adapter/index.js';
import { createGraphqlClient, silentLogger } from '../schema/index.js';
import { runGridmark } from './fixtures/gridmark-cli.js';
import {
  createAnchorer,
  createRegistryAnchorSink,
  defineSubgraph,
  openAnchorJournal,
  serveSubgraph,
  type DeviceRecord,
  type RunningSubgraph,
} from '../subgraphs/index.js';

/**
 * Trading end to end over HTTP: quotes, prepaid accounts, per-use charges for verified values
 * only, trade contracts on the embedded ledger with Merkle receipts, statements, settlement and
 * reconciliation, and money conserved under concurrent queries.
 */
const ADMIN: Caller = { role: 'PLATFORM_ADMIN', keyId: 'test', label: 'test' };
const TARIFF = { commissionBasisPoints: 1_000, resolutionFeeFen: 5, registrationFeeFen: 100 };
const FEES: Record<string, number> = { model: 7, brand: 3, outputPowerW: 11, events: 20 };
const gatewayKey = generateKeyPairSync('ed25519');
const dir = mkdtempSync(join(tmpdir(), 'gridmark-trading-'));
const DEVICES = ['INV-1', 'INV-2', 'INV-3', 'INV-4'].map((c) => `88.1001.1/${c}`);
const makerRows = new Map<string, DeviceRecord>(
  DEVICES.map((id) => [id, { model: 'SV-150K', brand: 'Sunvolt' }]),
);
const scadaRows = new Map<string, DeviceRecord>(
  DEVICES.map((id, i) => [id, { outputPowerW: 1000 + i, events: [] }]),
);
const loads = { count: 0 };
const journals = { maker: openAnchorJournal(':memory:'), scada: openAnchorJournal(':memory:') };
const rowsOf = (rows: Map<string, DeviceRecord>) => (ids: readonly string[]) => {
  loads.count++;
  return Promise.resolve(
    new Map(ids.flatMap((id) => (rows.has(id) ? [[id, rows.get(id) ?? {}] as const] : []))),
  );
};
const maker = defineSubgraph(
  {
    name: 'maker',
    title: 'maker',
    fields: [
      { name: 'model', type: 'String', description: 'Model.' },
      { name: 'brand', type: 'String', description: 'Brand.' },
    ],
    loadDevices: rowsOf(makerRows),
  },
  { access: { kind: 'grants', gatewayPublicKey: gatewayKey.publicKey }, journal: journals.maker },
);
const scada = defineSubgraph(
  {
    name: 'scada',
    title: 'scada',
    fields: [
      { name: 'outputPowerW', type: 'Float', description: 'Output.', unit: 'W' },
      { name: 'events', type: '[String!]', description: 'Events.' },
    ],
    loadDevices: rowsOf(scadaRows),
  },
  { access: { kind: 'grants', gatewayPublicKey: gatewayKey.publicKey }, journal: journals.scada },
);

let ledger: LedgerAdapter;
let registry: Registry;
let book: BillingStore;
let gateway: Gateway;
let base = '';
let adminKey = '';
const apps: Record<string, { appId: string; apiKey: string }> = {};
const served: RunningSubgraph[] = [];

interface Gridmark {
  quote?: {
    totalFen: number;
    fieldFeesFen: number;
    resolutionFeeFen: number;
    fields: { deviceId: string; field: string; systemCode: string; feeFen: number }[];
  };
  charge?: {
    tradeId: string | null;
    amountFen: number;
    platformFeeFen?: number;
    payees?: Trade['payees'];
    items?: Trade['items'];
    availableFen?: number;
    receipt?: TradeReceipt | null;
    at?: string;
  };
  fields?: { field: string; status: string }[];
  resolution?: { id: string } | null;
}
interface Reply {
  /** The HTTP status (not part of the body). */
  status?: number;
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
  extensions?: { gridmark?: Gridmark };
}

async function query(
  app: string,
  text: string,
  extra: Record<string, string> = {},
): Promise<Reply> {
  const response = await fetch(base, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${apps[app]?.apiKey ?? ''}`,
      'x-gridmark-function': 'monitoring',
      ...extra,
    },
    body: JSON.stringify({ query: text }),
  });
  return Object.defineProperty((await response.json()) as Reply, 'status', {
    value: response.status,
    enumerable: false,
  });
}
const admin = () =>
  createGraphqlClient({ url: new URL('/registry', base).toString(), apiKey: adminKey });
async function registryCall(
  apiKey: string,
  text: string,
  variables: Record<string, unknown> = {},
): Promise<{
  data?: Record<string, unknown> | null;
  errors?: { extensions?: { code?: string } }[];
}> {
  const response = await fetch(new URL('/registry', base), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ query: text, variables }),
  });
  return (await response.json()) as {
    data?: Record<string, unknown> | null;
    errors?: { extensions?: { code?: string } }[];
  };
}
const balance = async (accountId: string): Promise<number> =>
  (await book.getAccount(accountId))?.balanceFen ?? 0;
const topUp = (appId: string, amountFen: unknown, reference: string) =>
  registryCall(
    adminKey,
    'mutation ($a: ID!, $f: Fen!, $r: String!) { topUp(applicationId: $a, amountFen: $f, paymentReference: $r) { balanceFen availableFen } }',
    { a: appId, f: amountFen, r: reference },
  );

beforeAll(async () => {
  ledger = await createLedger({ kind: 'embedded', path: join(dir, 'ledger.db') });
  book = openSqliteBillingStore({ path: join(dir, 'billing.db') });
  registry = createRegistry({
    store: openSqliteRegistryStore({ path: join(dir, 'registry.db') }),
    outbound: DEVELOPMENT_OUTBOUND,
    authorityPrefix: '88.1001',
    ledger,
    tradedWith: (a, s) => book.tradedWith(a, s),
  });
  gateway = createGateway({
    registry,
    access: { ledger, signingKey: gatewayKey.privateKey, billing: { store: book, tariff: TARIFF } },
    logger: silentLogger,
  });
  await gateway.start();
  base = await gateway.listen(0);
  adminKey = await registry.bootstrapAdminKey('test console');
  const keys: Record<string, string> = {};
  for (const [subgraph, credit] of [
    [maker, '91320500MA1N7PXK3R'],
    [scada, '91640100MA77LQ3F21'],
  ] as const) {
    const running = await serveSubgraph(subgraph, { port: 0 }, { logger: silentLogger });
    served.push(running);
    const { system, apiKey } = await registry.registerSystem(
      (await onboardEnterprise(registry, { creditCode: credit, name: subgraph.name })).caller,
      {
        creditCode: credit,
        systemName: subgraph.name,
        subgraphName: subgraph.name,
        description: subgraph.name,
        url: running.url,
      },
    );
    keys[subgraph.name] = apiKey;
    await registry.registerFields(
      ADMIN,
      system.code,
      subgraph.fields.map((f) => ({ name: f.name, feeFen: FEES[f.name] ?? 0 })),
    );
  }
  await registry.registerDevices(
    ADMIN,
    '88.1001.1',
    DEVICES.map((id) => ({ localCode: id.split('/')[1] ?? '', kind: 'INVERTER' as const })),
  );
  await registry.claimDevices(
    ADMIN,
    '88.1001.2',
    DEVICES.map((id, i) => ({ identifier: id, localCode: `S${i}` })),
  );
  // INV-4 is never anchored: its values cannot be verified.
  const anchored = new Set(DEVICES.slice(0, 3));
  for (const [subgraph, code, rows] of [
    [maker, '88.1001.1', makerRows],
    [scada, '88.1001.2', scadaRows],
  ] as const) {
    const anchorer = createAnchorer({
      declaration: {
        name: subgraph.name,
        title: subgraph.title,
        fields: subgraph.fields,
        loadDevices: rowsOf(rows),
      },
      listDevices: () => Promise.resolve([...rows.keys()].filter((id) => anchored.has(id))),
      journal: journals[subgraph.name as 'maker' | 'scada'],
      sink: createRegistryAnchorSink({
        registryUrl: new URL('/registry', base).toString(),
        systemCode: code,
        apiKey: keys[subgraph.name] ?? '',
      }),
    });
    await anchorer.anchorPass();
  }
  for (const name of ['lifecycle', 'concurrent', 'broke']) {
    const app = await registry.registerApplication(ADMIN, { name, roles: ['om'] });
    apps[name] = { appId: app.application.appId, apiKey: app.apiKey };
    await registry.publishRule(ADMIN, {
      appId: app.application.appId,
      function: 'monitoring',
      role: '*',
      fieldCodes: ['88.1001.1.F0001', '88.1001.1.F0002', '88.1001.2.F0001', '88.1001.2.F0002'],
    });
  }
}, 60_000);

afterAll(async () => {
  await gateway.stop();
  await Promise.all(served.map((s) => s.stop()));
  await registry.close();
  await book.close();
  await ledger.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('trading', () => {
  it('quotes an operation, field by field, without fetching anything', async () => {
    const before = loads.count;
    const r = await query(
      'broke',
      `{ devices(ids: ["${DEVICES[0]}", "${DEVICES[1]}"]) { model outputPowerW } }`,
      { 'x-gridmark-quote': 'only' },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data ?? null).toBeNull();
    const quote = r.extensions?.gridmark?.quote;
    expect(quote?.fields.map((f) => [f.deviceId, f.field, f.systemCode, f.feeFen])).toEqual([
      [DEVICES[0], 'model', '88.1001.1', 7],
      [DEVICES[0], 'outputPowerW', '88.1001.2', 11],
      [DEVICES[1], 'model', '88.1001.1', 7],
      [DEVICES[1], 'outputPowerW', '88.1001.2', 11],
    ]);
    expect(quote).toMatchObject({ fieldFeesFen: 36, resolutionFeeFen: 5, totalFen: 41 });
    expect(r.extensions?.gridmark?.charge).toBeUndefined();
    expect(loads.count).toBe(before);
  });

  it('refuses a query the application cannot pay for before any data moves', async () => {
    const before = loads.count;
    const r = await query('broke', `{ device(id: "${DEVICES[0]}") { model } }`);
    expect(r.data ?? undefined).toBeUndefined();
    expect(r.errors?.[0]?.extensions).toMatchObject({
      code: 'PAYMENT_REQUIRED',
      requiredFen: 12,
      availableFen: 0,
    });
    expect(r.status).toBe(402);
    expect(loads.count).toBe(before);
    expect(await book.check()).toMatchObject({ heldMismatches: [] });
    expect((await book.getAccount(apps['broke']?.appId ?? ''))?.heldFen).toBe(0);
  });

  it('refuses bad amounts, unknown accounts, replayed payment references and non-admins with stable codes', async () => {
    const appId = apps['lifecycle']?.appId ?? '';
    const code = (r: { errors?: { extensions?: { code?: string } }[] }) =>
      r.errors?.[0]?.extensions?.code;
    expect(code(await topUp(appId, -5, 'PAY-NEG'))).toBe('BAD_AMOUNT');
    expect(code(await topUp(appId, 1.5, 'PAY-FRACTION'))).toBe('BAD_AMOUNT');
    expect(code(await topUp(appId, '100', 'PAY-TEXT'))).toBe('BAD_AMOUNT');
    expect(code(await topUp(appId, 0, 'PAY-ZERO'))).toBe('BAD_AMOUNT');
    expect(code(await topUp('APP-9999', 100, 'PAY-UNKNOWN'))).toBe('UNKNOWN_ACCOUNT');
    expect(code(await topUp('88.1001.1', 100, 'PAY-SYSTEM'))).toBe('UNKNOWN_ACCOUNT');
    expect(
      code(
        await registryCall(
          apps['lifecycle']?.apiKey ?? '',
          'mutation { topUp(applicationId: "APP-0001", amountFen: 100, paymentReference: "PAY-SELF") { balanceFen } }',
        ),
      ),
    ).toBe('FORBIDDEN');
    expect((await topUp(appId, 1_000, 'PAY-1')).data).toEqual({
      topUp: { balanceFen: 1_000, availableFen: 1_000 },
    });
    expect(code(await topUp(appId, 1_000, 'PAY-1'))).toBe('DUPLICATE_PAYMENT');
    expect(await balance(appId)).toBe(1_000);
  });

  it('charges the values released verified, pays the systems and the platform, and proves the trade on the ledger', async () => {
    const appId = apps['lifecycle']?.appId ?? '';
    const platformBefore = await balance('PLATFORM');
    const r = await query(
      'lifecycle',
      `{ device(id: "${DEVICES[0]}") { model outputPowerW events } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({ device: { model: 'SV-150K', outputPowerW: 1000, events: [] } });
    const charge = r.extensions?.gridmark?.charge;
    // maker 7 (commission 0.7 rounds to 0), scada 11 + 20 = 31 (commission 3); platform 3 + 5.
    expect(charge).toMatchObject({
      amountFen: 43,
      platformFeeFen: 8,
      payees: [
        { systemCode: '88.1001.1', grossFen: 7, amountFen: 7 },
        { systemCode: '88.1001.2', grossFen: 31, amountFen: 28 },
      ],
      availableFen: 957,
    });
    expect(await balance(appId)).toBe(957);
    expect(await balance('88.1001.1')).toBe(7 - TARIFF.registrationFeeFen);
    expect(await balance('88.1001.2')).toBe(28 - TARIFF.registrationFeeFen);
    expect((await balance('PLATFORM')) - platformBefore).toBe(8);
    const onLedger = await ledger.getTrade(charge?.tradeId ?? '');
    expect(onLedger?.trade).toMatchObject({
      applicationId: appId,
      resolutionId: r.extensions?.gridmark?.resolution?.id,
      function: 'monitoring',
      amountFen: 43,
      items: [
        {
          deviceId: DEVICES[0],
          fieldCodes: ['88.1001.1.F0001', '88.1001.2.F0001', '88.1001.2.F0002'],
        },
      ],
    });
    // The receipt in the response proves the trade's inclusion on its own.
    const receipt = charge?.receipt;
    expect(receipt?.txId).toBe(onLedger?.receipt.txId);
    expect(receipt && onLedger && verifyTradeReceipt(onLedger.trade, receipt)).toBe(true);
    expect(
      receipt && onLedger && verifyTradeReceipt({ ...onLedger.trade, amountFen: 1 }, receipt),
    ).toBe(false);
  });

  it('does not charge withheld values; a query that released nothing verified costs nothing', async () => {
    const appId = apps['lifecycle']?.appId ?? '';
    const before = await balance(appId);
    const mixed = await query(
      'lifecycle',
      `{ devices(ids: ["${DEVICES[1]}", "${DEVICES[3]}"]) { model } }`,
    );
    expect(mixed.errors?.map((e) => e.extensions?.['code'])).toEqual(['UNVERIFIABLE']);
    // Only INV-2's model (7, no commission) and the resolution fee.
    expect(mixed.extensions?.gridmark?.charge).toMatchObject({
      amountFen: 12,
      items: [{ deviceId: DEVICES[1], fieldCodes: ['88.1001.1.F0001'] }],
    });
    const nothing = await query(
      'lifecycle',
      `{ device(id: "${DEVICES[3]}") { model outputPowerW } }`,
    );
    expect(nothing.data).toEqual({ device: { model: null, outputPowerW: null } });
    expect(nothing.extensions?.gridmark?.charge).toMatchObject({ tradeId: null, amountFen: 0 });
    expect(await balance(appId)).toBe(before - 12);
    expect((await book.getAccount(appId))?.heldFen).toBe(0);
  });

  it('conserves money under concurrent queries from one application: exactly what it can pay is served, each charged once', async () => {
    const appId = apps['concurrent']?.appId ?? '';
    const text = `{ devices(ids: ["${DEVICES[0]}", "${DEVICES[1]}", "${DEVICES[2]}"]) { model brand outputPowerW } }`;
    const price =
      (await query('concurrent', text, { 'x-gridmark-quote': 'only' })).extensions?.gridmark?.quote
        ?.totalFen ?? 0;
    expect(price).toBe(3 * (7 + 3 + 11) + 5);
    const systemsBefore = (await balance('88.1001.1')) + (await balance('88.1001.2'));
    const platformBefore = await balance('PLATFORM');
    await topUp(appId, 5 * price, 'PAY-CONCURRENT');
    const replies = await Promise.all(Array.from({ length: 24 }, () => query('concurrent', text)));
    const served = replies.filter((r) => r.errors === undefined);
    const refused = replies.filter(
      (r) => r.errors?.[0]?.extensions?.['code'] === 'PAYMENT_REQUIRED',
    );
    expect(
      replies
        .filter(
          (r) => r.errors !== undefined && r.errors[0]?.extensions?.['code'] !== 'PAYMENT_REQUIRED',
        )
        .map((r) => r.errors),
    ).toEqual([]);
    expect(served).toHaveLength(5);
    expect(refused).toHaveLength(19);
    const tradeIds = served.map((r) => r.extensions?.gridmark?.charge?.tradeId);
    expect(new Set(tradeIds).size).toBe(5);
    const charged = served.reduce(
      (sum, r) => sum + (r.extensions?.gridmark?.charge?.amountFen ?? 0),
      0,
    );
    expect(charged).toBe(5 * price);
    expect(await book.getAccount(appId)).toMatchObject({
      balanceFen: 0,
      heldFen: 0,
      availableFen: 0,
    });
    // Every fen the application paid reached a system or the platform.
    const systemsGain = (await balance('88.1001.1')) + (await balance('88.1001.2')) - systemsBefore;
    expect(systemsGain + (await balance('PLATFORM')) - platformBefore).toBe(charged);
    expect(await book.check()).toEqual({
      sumOfBalancesFen: 0,
      unbalancedEntries: [],
      driftedAccounts: [],
      heldMismatches: [],
    });
    const trades = await book.listTrades({ applicationId: appId, limit: 100 });
    expect(trades.map((t) => t.trade.tradeId).sort()).toEqual([...tradeIds].sort());
    for (const id of tradeIds)
      expect((await ledger.getTrade(id ?? ''))?.trade.amountFen).toBe(price);
  });

  it('states accounts, settles the period, and reconciles every trade with the ledger', async () => {
    const client = admin();
    const { statement } = await client.request<{
      statement: {
        openingFen: number;
        closingFen: number;
        lines: { kind: string; amountFen: number }[];
      };
    }>(
      'query ($a: ID!) { statement(account: $a) { openingFen closingFen lines { kind amountFen } } }',
      { a: '88.1001.2' },
    );
    expect(statement.lines[0]).toEqual({
      kind: 'REGISTRATION_FEE',
      amountFen: -TARIFF.registrationFeeFen,
    });
    expect(statement.lines.filter((l) => l.kind === 'CHARGE').every((l) => l.amountFen > 0)).toBe(
      true,
    );
    expect(statement.closingFen).toBe(await balance('88.1001.2'));
    const { settle } = await client.request<{
      settle: {
        trades: number;
        tradedFen: number;
        payouts: { systemCode: string; amountFen: number }[];
      };
    }>('mutation { settle { trades tradedFen payouts { systemCode amountFen } } }');
    expect(settle.trades).toBe(7);
    expect(settle.payouts.map((p) => p.systemCode).sort()).toEqual(['88.1001.1', '88.1001.2']);
    expect(await balance('88.1001.2')).toBe(0);
    const { reconciliation } = await client.request<{
      reconciliation: {
        trades: number;
        recorded: number;
        matched: number;
        unchecked: number;
        mismatched: unknown[];
      };
    }>('{ reconciliation { trades recorded matched unchecked mismatched { tradeId problem } } }');
    expect(reconciliation).toEqual({
      trades: 7,
      recorded: 7,
      matched: 7,
      unchecked: 0,
      mismatched: [],
    });
    expect(await book.check()).toMatchObject({ sumOfBalancesFen: 0, unbalancedEntries: [] });
  });

  it('takes feedback on a system only from an application that traded with it', async () => {
    const asApp = (name: string): Caller => ({
      role: 'APPLICATION',
      keyId: 'k',
      label: name,
      appId: apps[name]?.appId ?? '',
    });
    await expect(
      registry.submitFeedback(asApp('broke'), {
        systemCode: '88.1001.1',
        score: 1,
        reason: 'never saw its data',
      }),
    ).rejects.toMatchObject({ code: 'NO_TRADE_WITH_SYSTEM' });
    await registry.submitFeedback(asApp('lifecycle'), {
      systemCode: '88.1001.1',
      score: 5,
      reason: 'accurate nameplate data',
    });
    const history = await registry.creditHistory(ADMIN, { systemCode: '88.1001.1' });
    expect(history.some((e) => e.kind === 'FEEDBACK')).toBe(true);
  });

  it(
    'serves the finance commands over the registry API, with stable exit codes for bad input',
    { timeout: 120_000 },
    async () => {
      const keyFile = join(dir, 'admin.key');
      writeFileSync(keyFile, adminKey);
      const gridmark = (...args: string[]) =>
        runGridmark(new URL('/registry', base).toString(), [...args, '--key-file', keyFile]);
      const appId = apps['lifecycle']?.appId ?? '';
      const fraction = await gridmark(
        'account',
        'top-up',
        appId,
        '--amount-fen',
        '12.5',
        '--reference',
        'CLI-1',
      );
      expect(fraction.code).toBe(2);
      expect(fraction.stderr).toContain('BAD_AMOUNT');
      const unknown = await gridmark(
        'account',
        'top-up',
        'APP-0999',
        '--amount-fen',
        '100',
        '--reference',
        'CLI-2',
      );
      expect(unknown.code).toBe(6);
      expect(unknown.stderr).toContain('UNKNOWN_ACCOUNT');
      const before = await balance(appId);
      expect(
        (await gridmark('account', 'top-up', appId, '--amount-fen', '250', '--reference', 'CLI-3'))
          .stdout,
      ).toContain(`balance    ${((before + 250) / 100).toFixed(2)} yuan (${before + 250} fen)`);
      const replay = await gridmark(
        'account',
        'top-up',
        appId,
        '--amount-fen',
        '250',
        '--reference',
        'CLI-3',
      );
      expect(replay.code).toBe(6);
      expect(replay.stderr).toContain('DUPLICATE_PAYMENT');
      const trades = await gridmark('finance', 'trades', '--system', '88.1001.2', '--csv');
      const rows = trades.stdout.trim().split('\r\n');
      expect(rows[0]).toBe(
        'tradeId,at,applicationId,function,devices,values,amountFen,platformFeeFen,payees,status,txId,merkleRoot',
      );
      expect(rows.length - 1).toBe(
        (await book.listTrades({ systemCode: '88.1001.2', limit: 100 })).length,
      );
      expect(rows.slice(1).every((r) => r.includes(',RECORDED,'))).toBe(true);
      const out = join(dir, 'journal.csv');
      expect((await gridmark('finance', 'export', '--out', out)).code).toBe(0);
      const journal = readFileSync(out, 'utf8').trim().split('\r\n');
      expect(journal[0]).toBe('entryId,at,kind,reference,accountId,amountFen,memo');
      // Every entry of the export balances: its postings sum to zero.
      const sums = new Map<string, number>();
      for (const line of journal.slice(1)) {
        const [entryId = '', , , , , amount = '0'] = line.split(',');
        sums.set(entryId, (sums.get(entryId) ?? 0) + Number(amount));
      }
      expect([...sums.values()].every((sum) => sum === 0)).toBe(true);
      expect(
        journal.some((l) => l.includes(',REGISTRATION_FEE,')) &&
          journal.some((l) => l.includes(',PAYOUT,')) &&
          journal.some((l) => l.includes(',TOP_UP,')),
      ).toBe(true);
      const reconcile = await gridmark('finance', 'reconcile');
      expect(reconcile).toMatchObject({ code: 0 });
      expect(reconcile.stdout).toContain('re-read from the ledger and matched');
      // Someone edits the book's copy of a trade behind its back: reconciliation with the ledger catches it.
      const [edited] = await book.listTrades({ systemCode: '88.1001.2', limit: 1 });
      const db = new Database(join(dir, 'billing.db'));
      try {
        db.prepare('UPDATE trades SET body = ? WHERE trade_id = ?').run(
          JSON.stringify({ ...edited?.trade, amountFen: 1 }),
          edited?.trade.tradeId,
        );
      } finally {
        db.close();
      }
      const caught = await gridmark('finance', 'reconcile');
      expect(caught.code).toBe(8);
      expect(caught.stdout).toContain(
        `NOT RECONCILED ${edited?.trade.tradeId ?? ''}: the ledger holds different content`,
      );
      expect(caught.stderr).toContain('NOT_RECONCILED');
    },
  );
});
