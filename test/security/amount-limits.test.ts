import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
} from '../../gateway/index.js';
import { createLedger, type LedgerAdapter } from '../../ledger-adapter/index.js';
import { silentLogger } from '../../schema/index.js';
import { runGridmark } from '../fixtures/gridmark-cli.js';

/**
 * Money enters the book as whole fen that a double holds exactly, or not at all: amounts above
 * the largest safe integer, and amounts whose fraction a double would round away, are refused
 * with BAD_AMOUNT whether they are written in the query, sent as variables, or typed on the
 * command line, where only decimal digits are an amount.
 */
const ADMIN: Caller = { role: 'PLATFORM_ADMIN', keyId: 'test', label: 'test' };
const dir = mkdtempSync(join(tmpdir(), 'gridmark-amounts-'));
const adminKeyFile = join(dir, 'admin.key');
let ledger: LedgerAdapter;
let book: BillingStore;
let registry: Registry;
let gateway: Gateway;
let registryUrl = '';
let adminKey = '';
let appId = '';

interface Reply {
  readonly data?: Record<string, { balanceFen: number; creditLimitFen: number }> | null;
  readonly errors?: readonly {
    readonly message: string;
    readonly extensions?: { readonly code?: string; readonly field?: string };
  }[];
}
async function call(query: string, variables: Record<string, unknown> = {}): Promise<Reply> {
  const response = await fetch(registryUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as Reply;
}
// An account the book has not opened yet holds nothing.
const account = async () => (await book.getAccount(appId)) ?? { balanceFen: 0, creditLimitFen: 0 };
let reference = 0;
const topUpLiteral = (amount: string) =>
  call(
    `mutation { topUp(applicationId: "${appId}", amountFen: ${amount}, paymentReference: "PAY-${++reference}") { balanceFen } }`,
  );

beforeAll(async () => {
  ledger = await createLedger({ kind: 'embedded', path: join(dir, 'ledger.db') });
  book = openSqliteBillingStore({ path: join(dir, 'billing.db') });
  registry = createRegistry({
    store: openSqliteRegistryStore({ path: join(dir, 'registry.db') }),
    outbound: DEVELOPMENT_OUTBOUND,
    authorityPrefix: '88.1001',
    ledger,
  });
  gateway = createGateway({
    registry,
    access: {
      ledger,
      signingKey: generateKeyPairSync('ed25519').privateKey,
      billing: {
        store: book,
        tariff: { commissionBasisPoints: 1_000, resolutionFeeFen: 5, registrationFeeFen: 0 },
      },
    },
    logger: silentLogger,
  });
  await gateway.start();
  registryUrl = new URL('/registry', await gateway.listen(0)).toString();
  adminKey = await registry.bootstrapAdminKey('test console');
  writeFileSync(adminKeyFile, adminKey, { mode: 0o600 });
  appId = (await registry.registerApplication(ADMIN, { name: 'payer', roles: ['analyst'] }))
    .application.appId;
}, 60_000);

afterAll(async () => {
  await gateway.stop();
  await registry.close();
  await book.close();
  await ledger.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('amounts a double cannot hold exactly', () => {
  it('are refused when written in the query: above the largest safe integer, or with a fraction a double rounds away', async () => {
    for (const amount of [
      '9007199254740992',
      '9007199254740993',
      '1e400',
      '9007199254740990.6',
      '4503599627370495.2',
    ]) {
      const reply = await topUpLiteral(amount);
      expect(reply.errors?.[0]?.extensions, amount).toMatchObject({
        code: 'BAD_AMOUNT',
        field: 'amountFen',
      });
    }
    const limit = await call(
      `mutation { setCreditLimit(applicationId: "${appId}", creditLimitFen: 9007199254740993) { creditLimitFen } }`,
    );
    expect(limit.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_AMOUNT',
      field: 'creditLimitFen',
    });
    expect(await account()).toMatchObject({ balanceFen: 0, creditLimitFen: 0 });
  });

  it('are refused when sent as variables', async () => {
    const reply = await call(
      'mutation ($a: ID!, $f: Fen!) { topUp(applicationId: $a, amountFen: $f, paymentReference: "PAY-VAR") { balanceFen } }',
      { a: appId, f: 2 ** 53 },
    );
    expect(reply.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_AMOUNT', field: 'amountFen' });
    expect((await account()).balanceFen).toBe(0);
  });

  it('leave an exact amount written in the query as it is', async () => {
    expect((await topUpLiteral('150e-1')).data?.['topUp']?.balanceFen).toBe(15);
    expect((await topUpLiteral('9007199254740000')).data?.['topUp']?.balanceFen).toBe(
      9007199254740015,
    );
  });

  it('are refused on the command line before anything is sent, and only decimal digits are an amount', async () => {
    const before = await account();
    for (const amount of ['1e3', '0x10', '12.', ' 7', '9007199254740993']) {
      const r = await runGridmark(registryUrl, [
        'account',
        'top-up',
        appId,
        '--amount-fen',
        amount,
        '--reference',
        `CLI-${amount}`,
        '--key-file',
        adminKeyFile,
      ]);
      expect(r.code, amount).toBe(2);
      expect(r.stderr, amount).toContain('BAD_AMOUNT: --amount-fen');
    }
    const limit = await runGridmark(registryUrl, [
      'account',
      'credit-limit',
      appId,
      '--fen',
      '1e9',
      '--key-file',
      adminKeyFile,
    ]);
    expect(limit.stderr).toContain('BAD_AMOUNT: --fen');
    expect(await account()).toEqual(before);
    const paid = await runGridmark(registryUrl, [
      'account',
      'top-up',
      appId,
      '--amount-fen',
      '250',
      '--reference',
      'CLI-OK',
      '--key-file',
      adminKeyFile,
    ]);
    expect(paid.code, paid.stderr).toBe(0);
    expect((await account()).balanceFen).toBe(before.balanceFen + 250);
  });

  // Last: it fills the account up to the largest safe integer.
  it('are refused when a top-up would carry a balance past the largest safe integer, and nothing is written', async () => {
    const before = await account();
    const topUp = (amount: number) =>
      call(
        'mutation ($app: ID!, $amount: Fen!, $ref: String!) { topUp(applicationId: $app, amountFen: $amount, paymentReference: $ref) { balanceFen } }',
        { app: appId, amount, ref: `PAY-${++reference}` },
      );
    // Up to five fen short of the largest safe integer: exact, and taken.
    const near = Number.MAX_SAFE_INTEGER - before.balanceFen - 5;
    expect((await topUp(near)).errors).toBeUndefined();
    const over = await topUp(10);
    expect(over.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_AMOUNT', field: 'amountFen' });
    expect((await account()).balanceFen).toBe(Number.MAX_SAFE_INTEGER - 5);
    expect(await book.check()).toMatchObject({ sumOfBalancesFen: 0, unbalancedEntries: [] });
  });
});
