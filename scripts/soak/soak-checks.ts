import { execFile } from 'node:child_process';
import { createGraphqlClient, type GraphqlClient } from '../../schema/index.js';
import { nodeEntry } from '../demo/index.js';

/** One invariant the soak checks at its end. */
export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

interface Reconciliation {
  readonly trades: number;
  readonly recorded: number;
  readonly pending: number;
  readonly refused: number;
  readonly matched: number;
  readonly unchecked: number;
  readonly mismatched: readonly { readonly tradeId: string; readonly problem: string }[];
}

const RECONCILE =
  'query ($from: String, $to: String) { reconciliation(from: $from, to: $to) { trades recorded pending refused matched unchecked mismatched { tradeId problem } } }';
const BOOK_CHECK =
  '{ bookCheck { sumOfBalancesFen unbalancedEntries driftedAccounts heldMismatches } }';
const TRADES_DEADLINE_MS = 180_000;
const GRIDMARK_CLI = nodeEntry('../gridmark', import.meta.url);

/** The registry API as the platform admin. */
export function adminClient(registryUrl: string, adminKey: string): GraphqlClient {
  return createGraphqlClient({ url: registryUrl, apiKey: adminKey, timeoutMs: 600_000 });
}

/** Waits until no trade of the book is still waiting for the ledger (at most three minutes). */
export async function waitForTrades(admin: GraphqlClient, from: string): Promise<void> {
  const deadline = Date.now() + TRADES_DEADLINE_MS;
  for (;;) {
    const { reconciliation } = await admin.request<{ reconciliation: { pending: number } }>(
      'query ($from: String) { reconciliation(from: $from) { pending } }',
      { from },
    );
    if (reconciliation.pending === 0 || Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

/** The book's self-check: balances sum to zero, every entry balances, no account drifted, no hold astray. */
export async function checkBook(admin: GraphqlClient): Promise<CheckResult> {
  const { bookCheck: b } = await admin.request<{
    bookCheck: {
      sumOfBalancesFen: number;
      unbalancedEntries: number[];
      driftedAccounts: string[];
      heldMismatches: string[];
    };
  }>(BOOK_CHECK);
  const ok =
    b.sumOfBalancesFen === 0 &&
    b.unbalancedEntries.length === 0 &&
    b.driftedAccounts.length === 0 &&
    b.heldMismatches.length === 0;
  return {
    name: 'books balance (bookCheck)',
    ok,
    detail: `balances sum to ${b.sumOfBalancesFen} fen; ${b.unbalancedEntries.length} unbalanced entries, ${b.driftedAccounts.length} drifted accounts, ${b.heldMismatches.length} hold mismatches`,
  };
}

/**
 * Every trade of the book over [from, to) on the ledger once, with the same content and a receipt
 * that proves it: the period is reconciled in windows halved until none holds more trades than
 * one reconciliation re-reads, and every trade must be recorded and matched (none pending,
 * refused, unchecked or mismatched).
 */
export async function reconcileAll(
  admin: GraphqlClient,
  from: Date,
  to: Date,
): Promise<CheckResult & { readonly trades: number }> {
  const sum = {
    trades: 0,
    recorded: 0,
    pending: 0,
    refused: 0,
    matched: 0,
    unchecked: 0,
    windows: 0,
  };
  const mismatched: string[] = [];
  const reconcile = async (a: number, b: number): Promise<void> => {
    const { reconciliation: r } = await admin.request<{ reconciliation: Reconciliation }>(
      RECONCILE,
      { from: new Date(a).toISOString(), to: new Date(b).toISOString() },
    );
    if (r.unchecked > 0 && b - a > 2) {
      const mid = Math.floor((a + b) / 2);
      await reconcile(a, mid);
      await reconcile(mid, b);
      return;
    }
    sum.windows += 1;
    sum.trades += r.trades;
    sum.recorded += r.recorded;
    sum.pending += r.pending;
    sum.refused += r.refused;
    sum.matched += r.matched;
    sum.unchecked += r.unchecked;
    mismatched.push(...r.mismatched.map((m) => `${m.tradeId}: ${m.problem}`));
  };
  await reconcile(from.getTime(), to.getTime() + 1);
  const ok =
    sum.trades > 0 &&
    sum.matched === sum.trades &&
    sum.recorded === sum.trades &&
    sum.pending === 0 &&
    sum.refused === 0 &&
    sum.unchecked === 0 &&
    mismatched.length === 0;
  const detail = `${sum.trades} trades in the book, ${sum.recorded} recorded on the ledger, ${sum.matched} re-read and matched, ${sum.pending} pending, ${sum.refused} refused, ${sum.unchecked} unchecked, ${mismatched.length} mismatched (${sum.windows} reconciliation windows)${mismatched.length > 0 ? `; first: ${mismatched.slice(0, 3).join('; ')}` : ''}`;
  return {
    name: 'every trade on the ledger once (reconciliation)',
    ok,
    detail,
    trades: sum.trades,
  };
}

/** Runs `gridmark ledger verify --path <ledgerPath>` (the network must be stopped); passes on exit 0. */
export function verifyLedger(ledgerPath: string): Promise<CheckResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...GRIDMARK_CLI.execArgv, GRIDMARK_CLI.path, 'ledger', 'verify', '--path', ledgerPath],
      { maxBuffer: 16 * 1024 * 1024, timeout: 3_600_000 },
      (error, stdout, stderr) => {
        const output = `${stdout}${stderr}`
          .split('\n')
          .map((line) => line.trim())
          .filter((line) => line !== '')
          .join('; ')
          .slice(0, 600);
        resolve({
          name: 'gridmark ledger verify',
          ok: error === null,
          detail: error === null ? output : `exit ${error.code ?? error.signal ?? '?'}: ${output}`,
        });
      },
    );
  });
}
