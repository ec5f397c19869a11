import { writeFileSync } from 'node:fs';
import { formatYuan, GridmarkError } from '../../../schema/index.js';
import { parseAmountOption } from '../amount-option.js';
import {
  REGISTRY_OPTIONS,
  onePositional,
  parseCommandArgs,
  registryClient,
  required,
} from '../cli-options.js';
import type { CliCommand, CliIo } from '../command.js';
import { toCsv } from '../csv.js';

const ACCOUNT_FIELDS = 'id kind balanceFen heldFen creditLimitFen availableFen createdAt';
const TRADE_FIELDS =
  'status refusal trade { tradeId applicationId resolutionId function at amountFen platformFeeFen items { deviceId fieldCodes } payees { systemCode grossFen amountFen } } receipt { txId leafHash merkleRoot }';
const PERIOD_OPTIONS = { from: { type: 'string' }, to: { type: 'string' } } as const;
const json = (io: CliIo, value: unknown): void => io.out(`${JSON.stringify(value, null, 2)}\n`);
const money = (fen: number): string => `${formatYuan(fen)} yuan (${fen} fen)`;

interface Account {
  id: string;
  kind: string;
  balanceFen: number;
  heldFen: number;
  creditLimitFen: number;
  availableFen: number;
  createdAt: string;
}
interface TradeRecord {
  status: string;
  refusal: string | null;
  trade: {
    tradeId: string;
    applicationId: string;
    resolutionId: string;
    function: string;
    at: string;
    amountFen: number;
    platformFeeFen: number;
    items: { deviceId: string; fieldCodes: string[] }[];
    payees: { systemCode: string; grossFen: number; amountFen: number }[];
  };
  receipt: { txId: string; leafHash: string; merkleRoot: string } | null;
}

/** `--from`/`--to` as the API takes them (absent: unbounded). */
function period(values: { readonly from?: string | undefined; readonly to?: string | undefined }): {
  from: string | null;
  to: string | null;
} {
  return { from: values.from ?? null, to: values.to ?? null };
}

function printAccount(io: CliIo, account: Account): void {
  io.out(`${account.id} (${account.kind.toLowerCase()} account)\n`);
  io.out(`  balance    ${money(account.balanceFen)}\n`);
  if (account.kind === 'APPLICATION') {
    io.out(`  held       ${money(account.heldFen)} for queries in flight\n`);
    io.out(`  credit     ${money(account.creditLimitFen)} limit\n`);
    io.out(`  available  ${money(account.availableFen)}\n`);
  }
}

const accountShow: CliCommand = {
  path: ['account', 'show'],
  summary:
    'show an account: an application (APP-nnnn), a business system (its code), PLATFORM or EXTERNAL',
  usage: 'gridmark account show <account> [--json] [--registry URL] [--key-file F]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      ...REGISTRY_OPTIONS,
      json: { type: 'boolean', default: false },
    });
    const { account } = await registryClient(values, { needsKey: true }).request<{
      account: Account;
    }>(`query ($id: ID!) { account(id: $id) { ${ACCOUNT_FIELDS} } }`, {
      id: onePositional(positionals, 'account'),
    });
    if (values.json) json(io, account);
    else printAccount(io, account);
  },
};

const accountTopUp: CliCommand = {
  path: ['account', 'top-up'],
  summary:
    "credit a payment received to an application's prepaid balance, once per payment reference (platform admins)",
  usage:
    'gridmark account top-up <APP-nnnn> --amount-fen <integer fen> --reference <payment reference> [--registry URL] [--key-file F]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      ...REGISTRY_OPTIONS,
      'amount-fen': { type: 'string' },
      reference: { type: 'string' },
    });
    const { topUp } = await registryClient(values, { needsKey: true }).request<{ topUp: Account }>(
      `mutation ($app: ID!, $amount: Fen!, $ref: String!) { topUp(applicationId: $app, amountFen: $amount, paymentReference: $ref) { ${ACCOUNT_FIELDS} } }`,
      {
        app: onePositional(positionals, 'application id'),
        amount: parseAmountOption(required(values['amount-fen'], 'amount-fen'), 'amount-fen'),
        ref: required(values.reference, 'reference'),
      },
    );
    io.out(`credited payment ${values.reference ?? ''}\n`);
    printAccount(io, topUp);
  },
};

const accountCreditLimit: CliCommand = {
  path: ['account', 'credit-limit'],
  summary: 'set how far an application may go below zero (platform admins)',
  usage:
    'gridmark account credit-limit <APP-nnnn> --fen <integer fen> [--registry URL] [--key-file F]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      ...REGISTRY_OPTIONS,
      fen: { type: 'string' },
    });
    const { setCreditLimit } = await registryClient(values, { needsKey: true }).request<{
      setCreditLimit: Account;
    }>(
      `mutation ($app: ID!, $fen: Fen!) { setCreditLimit(applicationId: $app, creditLimitFen: $fen) { ${ACCOUNT_FIELDS} } }`,
      {
        app: onePositional(positionals, 'application id'),
        fen: parseAmountOption(required(values.fen, 'fen'), 'fen'),
      },
    );
    printAccount(io, setCreditLimit);
  },
};

const financeStatement: CliCommand = {
  path: ['finance', 'statement'],
  summary:
    "an account's statement over a period: opening and closing balance, every movement (table, --csv or --json)",
  usage:
    'gridmark finance statement <account> [--from DATE] [--to DATE] [--csv | --json] [--registry URL] [--key-file F]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      ...REGISTRY_OPTIONS,
      ...PERIOD_OPTIONS,
      csv: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    });
    const { statement } = await registryClient(values, { needsKey: true }).request<{
      statement: {
        account: Account;
        from: string;
        to: string;
        openingFen: number;
        creditsFen: number;
        debitsFen: number;
        closingFen: number;
        lines: {
          entryId: number;
          at: string;
          kind: string;
          reference: string;
          amountFen: number;
          balanceFen: number;
          memo: string;
        }[];
      };
    }>(
      `query ($account: ID!, $from: String, $to: String) { statement(account: $account, from: $from, to: $to) { account { ${ACCOUNT_FIELDS} } from to openingFen creditsFen debitsFen closingFen lines { entryId at kind reference amountFen balanceFen memo } } }`,
      { account: onePositional(positionals, 'account'), ...period(values) },
    );
    if (values.json) return json(io, statement);
    if (values.csv)
      return io.out(
        toCsv(
          ['entryId', 'at', 'kind', 'reference', 'amountFen', 'balanceFen', 'memo'],
          statement.lines,
        ),
      );
    io.out(
      `statement of ${statement.account.id} (${statement.account.kind.toLowerCase()}) from ${statement.from} to ${statement.to}\n`,
    );
    io.out(`  opening balance ${money(statement.openingFen)}\n`);
    for (const l of statement.lines)
      io.out(
        `  ${l.at}  ${l.kind.padEnd(16)} ${String(l.amountFen).padStart(10)} fen  balance ${String(l.balanceFen).padStart(10)}  ${l.reference.slice(0, 24)}  ${l.memo}\n`,
      );
    io.out(
      `  credits ${money(statement.creditsFen)}, debits ${money(statement.debitsFen)}\n  closing balance ${money(statement.closingFen)}\n`,
    );
  },
};

const financeTrades: CliCommand = {
  path: ['finance', 'trades'],
  summary:
    'trade contracts, newest first, with where each stands on the ledger (table, --csv or --json)',
  usage:
    'gridmark finance trades [--app APP-nnnn] [--system CODE] [--from DATE] [--to DATE] [--limit N] [--csv | --json] [--registry URL] [--key-file F]',
  async run(args, io) {
    const { values } = parseCommandArgs(args, {
      ...REGISTRY_OPTIONS,
      ...PERIOD_OPTIONS,
      app: { type: 'string' },
      system: { type: 'string' },
      limit: { type: 'string', default: '100' },
      csv: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    });
    const { trades } = await registryClient(values, { needsKey: true }).request<{
      trades: TradeRecord[];
    }>(
      `query ($app: ID, $system: ID, $from: String, $to: String, $limit: Int) { trades(applicationId: $app, systemCode: $system, from: $from, to: $to, limit: $limit) { ${TRADE_FIELDS} } }`,
      {
        app: values.app ?? null,
        system: values.system ?? null,
        ...period(values),
        limit: Number(values.limit),
      },
    );
    if (values.json) return json(io, trades);
    const rows = trades.map((t) => ({
      tradeId: t.trade.tradeId,
      at: t.trade.at,
      applicationId: t.trade.applicationId,
      function: t.trade.function,
      devices: t.trade.items.length,
      values: t.trade.items.reduce((n, i) => n + i.fieldCodes.length, 0),
      amountFen: t.trade.amountFen,
      platformFeeFen: t.trade.platformFeeFen,
      payees: t.trade.payees.map((p) => `${p.systemCode}:${p.amountFen}`).join(' '),
      status: t.status,
      txId: t.receipt?.txId ?? '',
      merkleRoot: t.receipt?.merkleRoot ?? '',
    }));
    if (values.csv)
      return io.out(
        toCsv(
          [
            'tradeId',
            'at',
            'applicationId',
            'function',
            'devices',
            'values',
            'amountFen',
            'platformFeeFen',
            'payees',
            'status',
            'txId',
            'merkleRoot',
          ],
          rows,
        ),
      );
    for (const r of rows)
      io.out(
        `${r.at}  ${r.tradeId.slice(0, 16)}  ${r.applicationId}  ${String(r.amountFen).padStart(6)} fen  ${r.values} value(s)  ${r.status.padEnd(8)}  ${r.payees}\n`,
      );
  },
};

const financeSettle: CliCommand = {
  path: ['finance', 'settle'],
  summary:
    'close the period since the last settlement and pay business systems their receivables (platform admins)',
  usage: 'gridmark finance settle [--registry URL] [--key-file F]',
  async run(args, io) {
    const { values } = parseCommandArgs(args, { ...REGISTRY_OPTIONS });
    const { settle } = await registryClient(values, { needsKey: true }).request<{
      settle: {
        id: number;
        from: string;
        to: string;
        trades: number;
        tradedFen: number;
        payouts: { systemCode: string; amountFen: number }[];
        digest: string;
      };
    }>(
      'mutation { settle { id from to trades tradedFen payouts { systemCode amountFen } digest } }',
    );
    io.out(
      `settlement ${settle.id}: ${settle.from} to ${settle.to}, ${settle.trades} trade(s) worth ${money(settle.tradedFen)}\n`,
    );
    for (const p of settle.payouts) io.out(`  paid out ${p.systemCode}: ${money(p.amountFen)}\n`);
    io.out(`  digest ${settle.digest}\n`);
  },
};

const financeSettlements: CliCommand = {
  path: ['finance', 'settlements'],
  summary: 'settlement runs, oldest first (admins and auditors)',
  usage: 'gridmark finance settlements [--csv] [--registry URL] [--key-file F]',
  async run(args, io) {
    const { values } = parseCommandArgs(args, {
      ...REGISTRY_OPTIONS,
      csv: { type: 'boolean', default: false },
    });
    const { settlements } = await registryClient(values, { needsKey: true }).request<{
      settlements: {
        id: number;
        from: string;
        to: string;
        runBy: string;
        trades: number;
        tradedFen: number;
        payouts: { systemCode: string; amountFen: number }[];
        digest: string;
      }[];
    }>(
      '{ settlements { id from to runBy trades tradedFen payouts { systemCode amountFen } digest } }',
    );
    const rows = settlements.map((s) => ({
      ...s,
      payouts: s.payouts.map((p) => `${p.systemCode}:${p.amountFen}`).join(' '),
    }));
    if (values.csv)
      return io.out(
        toCsv(['id', 'from', 'to', 'runBy', 'trades', 'tradedFen', 'payouts', 'digest'], rows),
      );
    for (const r of rows)
      io.out(
        `${String(r.id).padStart(4)}  ${r.from} .. ${r.to}  ${r.trades} trade(s)  ${r.tradedFen} fen  ${r.payouts}\n`,
      );
  },
};

const financeExport: CliCommand = {
  path: ['finance', 'export'],
  summary:
    'export the double-entry journal (top-ups, charges, registration fees, payouts) over a period as CSV (admins and auditors)',
  usage:
    'gridmark finance export [--from DATE] [--to DATE] [--out FILE] [--registry URL] [--key-file F]',
  async run(args, io) {
    const { values } = parseCommandArgs(args, {
      ...REGISTRY_OPTIONS,
      ...PERIOD_OPTIONS,
      out: { type: 'string' },
    });
    const { journal } = await registryClient(values, { needsKey: true }).request<{
      journal: Record<string, unknown>[];
    }>(
      'query ($from: String, $to: String) { journal(from: $from, to: $to) { entryId at kind reference accountId amountFen memo } }',
      period(values),
    );
    const csv = toCsv(
      ['entryId', 'at', 'kind', 'reference', 'accountId', 'amountFen', 'memo'],
      journal,
    );
    if (values.out === undefined) return io.out(csv);
    writeFileSync(values.out, csv);
    io.err(`wrote ${journal.length} posting(s) to ${values.out}\n`);
  },
};

const financeReconcile: CliCommand = {
  path: ['finance', 'reconcile'],
  summary:
    'walk every trade of a period, re-read each recorded one from the ledger and check it against the book and its receipt (admins and auditors); exit 8 on anything refused, missing, mismatched, unrefunded or unchecked',
  usage: 'gridmark finance reconcile [--from DATE] [--to DATE] [--registry URL] [--key-file F]',
  async run(args, io) {
    const { values } = parseCommandArgs(args, { ...REGISTRY_OPTIONS, ...PERIOD_OPTIONS });
    const client = registryClient(values, { needsKey: true });
    const { reconciliation: r } = await client.request<{
      reconciliation: {
        from: string;
        to: string;
        trades: number;
        amountFen: number;
        recorded: number;
        pending: number;
        refused: number;
        refunded: number;
        matched: number;
        unchecked: number;
        mismatched: { tradeId: string; problem: string }[];
      };
    }>(
      'query ($from: String, $to: String) { reconciliation(from: $from, to: $to) { from to trades amountFen recorded pending refused refunded matched unchecked mismatched { tradeId problem } } }',
      period(values),
    );
    const { bookCheck } = await client.request<{
      bookCheck: {
        sumOfBalancesFen: number;
        unbalancedEntries: number[];
        driftedAccounts: string[];
        heldMismatches: string[];
      };
    }>('{ bookCheck { sumOfBalancesFen unbalancedEntries driftedAccounts heldMismatches } }');
    io.out(
      `${r.from} .. ${r.to}: ${r.trades} trade(s) worth ${money(r.amountFen)}; ${r.recorded} on the ledger, ${r.pending} pending, ${r.refused} refused (${r.refunded} refunded); ${r.matched} re-read from the ledger and matched\n`,
    );
    io.out(
      `book: balances sum to ${bookCheck.sumOfBalancesFen} fen, ${bookCheck.unbalancedEntries.length} unbalanced entries, ${bookCheck.driftedAccounts.length} drifted accounts\n`,
    );
    if (r.unchecked > 0)
      io.out(
        `${r.unchecked} trade(s) not on the ledger yet, so not checked: reconcile again once they are\n`,
      );
    for (const m of r.mismatched)
      io.out(
        m.tradeId === '' ? `  ... ${m.problem}\n` : `  NOT RECONCILED ${m.tradeId}: ${m.problem}\n`,
      );
    const bookBroken =
      bookCheck.sumOfBalancesFen !== 0 ||
      bookCheck.unbalancedEntries.length > 0 ||
      bookCheck.driftedAccounts.length > 0 ||
      bookCheck.heldMismatches.length > 0;
    const open = r.trades - r.matched;
    if (open > 0 || bookBroken) {
      throw new GridmarkError(
        'NOT_RECONCILED',
        `${open} of ${r.trades} trade(s) do not reconcile (${r.refused} refused, ${r.refused - r.refunded} of them not refunded; ${r.unchecked} unchecked; ${open - r.refused - r.unchecked} missing or different on the ledger)${bookBroken ? ', and the book does not balance' : ''}.`,
      );
    }
    io.out(
      `reconciled: every one of the ${r.trades} trade(s) is on the ledger as the book holds it\n`,
    );
  },
};

/** Accounts, statements, trades, settlements and reconciliation, over the registry API. */
export const commands: readonly CliCommand[] = [
  accountShow,
  accountTopUp,
  accountCreditLimit,
  financeStatement,
  financeTrades,
  financeSettle,
  financeSettlements,
  financeExport,
  financeReconcile,
];
