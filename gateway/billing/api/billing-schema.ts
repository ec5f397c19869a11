import { GraphQLScalarType, Kind } from 'graphql';
import { GridmarkError } from '../../../schema/index.js';
import type { RegistryContext } from '../../registry/index.js';
import type { Billing } from '../billing-service.js';
import { AmountLiteral } from '../../../schema/index.js';

/** The billing part of the registry API (`/registry`): accounts, trades, statements, settlements. */
export const BILLING_TYPE_DEFS = `#graphql
  "An amount of money in integer fen (1 yuan = 100 fen). Amounts that are negative or fractional are refused with BAD_AMOUNT."
  scalar Fen

  extend type Query {
    "An account: an application id, a business system code, PLATFORM or EXTERNAL. The application itself, the system's operator, admins and auditors."
    account(id: ID!): Account!
    "An account's movements over [from, to) (ISO dates or times; default: everything)."
    statement(account: ID!, from: String, to: String): Statement!
    "One trade contract, with its ledger receipt. Its application, its payee systems, admins and auditors."
    trade(id: ID!): TradeRecord!
    "Trade contracts, newest first. Applications see their own, systems those that paid them."
    trades(applicationId: ID, systemCode: ID, from: String, to: String, limit: Int = 100): [TradeRecord!]!
    "Settlement runs, oldest first. Admins and auditors."
    settlements: [Settlement!]!
    "Every posting of the double-entry journal over [from, to). Admins and auditors."
    journal(from: String, to: String): [JournalRow!]!
    "Re-reads a period's trades from the ledger and checks each against the book and its receipt. Admins and auditors."
    reconciliation(from: String, to: String): Reconciliation!
    "The book's self-check: balances sum to zero, every entry balances. Admins and auditors."
    bookCheck: BookCheck!
    "The platform's fees."
    tariff: Tariff!
  }

  extend type Mutation {
    "Credits a payment received for an application. The payment reference is credited once (DUPLICATE_PAYMENT). Platform admins."
    topUp(applicationId: ID!, amountFen: Fen!, paymentReference: String!): Account!
    "How far an application may go below zero. Platform admins."
    setCreditLimit(applicationId: ID!, creditLimitFen: Fen!): Account!
    "Closes the period since the last settlement and pays business systems their receivables. Platform admins."
    settle: Settlement!
  }

  enum AccountKind { APPLICATION SYSTEM PLATFORM EXTERNAL }
  type Account { id: ID!, kind: AccountKind!, balanceFen: Fen!, heldFen: Fen!, creditLimitFen: Fen!, availableFen: Fen!, createdAt: String! }
  type StatementLine { entryId: Int!, at: String!, kind: String!, reference: String!, amountFen: Fen!, balanceFen: Fen!, memo: String! }
  type Statement { account: Account!, from: String!, to: String!, openingFen: Fen!, creditsFen: Fen!, debitsFen: Fen!, closingFen: Fen!, lines: [StatementLine!]! }
  type TradeItem { deviceId: ID!, fieldCodes: [ID!]! }
  type TradePayee { systemCode: ID!, grossFen: Fen!, amountFen: Fen! }
  type Trade { tradeId: ID!, applicationId: ID!, resolutionId: ID!, function: String!, items: [TradeItem!]!, payees: [TradePayee!]!, platformFeeFen: Fen!, amountFen: Fen!, at: String! }
  type ProofStep { side: String!, hash: String! }
  type TradeReceipt { tradeId: ID!, txId: ID!, leafHash: String!, merkleRoot: String!, proof: [ProofStep!]! }
  enum TradeStatus { PENDING RECORDED REFUSED }
  type TradeRecord { trade: Trade!, status: TradeStatus!, receipt: TradeReceipt, refusal: String }
  type Payout { systemCode: ID!, amountFen: Fen! }
  type Settlement { id: Int!, from: String!, to: String!, runBy: String!, trades: Int!, tradedFen: Fen!, payouts: [Payout!]!, digest: String! }
  type JournalRow { entryId: Int!, at: String!, kind: String!, reference: String!, accountId: ID!, amountFen: Fen!, memo: String! }
  type Mismatch { tradeId: ID!, problem: String! }
  "Every trade of the period, each recorded one re-read from the ledger. It reconciles only when every trade matched."
  type Reconciliation { from: String!, to: String!, trades: Int!, amountFen: Fen!, recorded: Int!, pending: Int!, refused: Int!, "Refused trades paid back by a REFUND entry." refunded: Int!, matched: Int!, "Trades not on the ledger yet, so not checked." unchecked: Int!, "Every trade that does not reconcile (the first 1,000, then a count)." mismatched: [Mismatch!]! }
  type BookCheck { sumOfBalancesFen: Fen!, unbalancedEntries: [Int!]!, driftedAccounts: [ID!]!, heldMismatches: [ID!]! }
  type Tariff { commissionBasisPoints: Int!, resolutionFeeFen: Fen!, registrationFeeFen: Fen! }
`;

/**
 * Fen travel as JSON numbers. Input is passed through as given so that the billing service
 * refuses bad amounts with `BAD_AMOUNT` (GraphQL's Int would refuse fractions with a generic
 * validation error, and cannot hold amounts above 2^31). A number written in the query itself is
 * kept as its text, judged exactly: as a double, `9007199254740990.6` would read as a whole number.
 */
const FenScalar = new GraphQLScalarType({
  name: 'Fen',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast) => {
    if (ast.kind === Kind.INT || ast.kind === Kind.FLOAT) return new AmountLiteral(ast.value);
    if (ast.kind === Kind.STRING) return ast.value;
    return null;
  },
});

type Args = Record<string, unknown>;
const optional = (args: Args, key: string): string | null =>
  typeof args[key] === 'string' ? args[key] : null;
const text = (args: Args, key: string): string => optional(args, key) ?? '';

/** Resolvers: thin, all rules live in the billing service. */
export function createBillingResolvers(billing: Billing) {
  const wrap = <T>(work: () => Promise<T>): Promise<T> =>
    work().catch((error: unknown) => {
      throw error instanceof GridmarkError ? error.toGraphQLError() : error;
    });
  const period = (args: Args) => ({ from: optional(args, 'from'), to: optional(args, 'to') });
  return {
    Fen: FenScalar,
    Query: {
      account: (_: unknown, args: Args, { caller }: RegistryContext) =>
        wrap(() => billing.account(caller, text(args, 'id'))),
      statement: (_: unknown, args: Args, { caller }: RegistryContext) =>
        wrap(() => billing.statement(caller, text(args, 'account'), period(args))),
      trade: (_: unknown, args: Args, { caller }: RegistryContext) =>
        wrap(() => billing.trade(caller, text(args, 'id'))),
      trades: (_: unknown, args: Args, { caller }: RegistryContext) =>
        wrap(() =>
          billing.trades(caller, {
            ...period(args),
            applicationId: optional(args, 'applicationId'),
            systemCode: optional(args, 'systemCode'),
            limit: typeof args['limit'] === 'number' ? args['limit'] : null,
          }),
        ),
      settlements: (_: unknown, __: Args, { caller }: RegistryContext) =>
        wrap(() => billing.settlements(caller)),
      journal: (_: unknown, args: Args, { caller }: RegistryContext) =>
        wrap(() => billing.journal(caller, period(args))),
      reconciliation: (_: unknown, args: Args, { caller }: RegistryContext) =>
        wrap(() => billing.reconcile(caller, period(args))),
      bookCheck: (_: unknown, __: Args, { caller }: RegistryContext) =>
        wrap(() => billing.check(caller)),
      tariff: () => billing.tariff,
    },
    Mutation: {
      topUp: (_: unknown, args: Args, { caller }: RegistryContext) =>
        wrap(() =>
          billing.topUp(caller, {
            applicationId: text(args, 'applicationId'),
            amountFen: args['amountFen'],
            paymentReference: text(args, 'paymentReference'),
          }),
        ),
      setCreditLimit: (_: unknown, args: Args, { caller }: RegistryContext) =>
        wrap(() =>
          billing.setCreditLimit(caller, text(args, 'applicationId'), args['creditLimitFen']),
        ),
      settle: (_: unknown, __: Args, { caller }: RegistryContext) =>
        wrap(() => billing.settle(caller)),
    },
  };
}
