import type { ApolloServerPlugin } from '@apollo/server';
import type { FormattedExecutionResult } from 'graphql';
import { GridmarkError } from '../../schema/index.js';
import { withoutValues, type GatewayContext } from '../access/index.js';
import type { Billing, ChargedQuery } from './billing-service.js';
import type { TradeReceipt } from '../../ledger-adapter/index.js';
import type { Quote } from './pricing.js';

/** The header that asks for a quote instead of data: `X-Gridmark-Quote: only`. */
export const QUOTE_HEADER = 'x-gridmark-quote';

/** Options of {@link createBillingPlugin}. */
export interface BillingPluginOptions {
  readonly billing: Billing;
  /** How long a response waits for its trade's ledger receipt before it goes without one. */
  readonly receiptTimeoutMs?: number;
}

/** What billing decided for one request. */
interface RequestBilling {
  readonly quote: Quote;
  readonly quoteOnly: boolean;
  readonly holdId?: string;
}

/**
 * Per-use charging around the access check (which runs first and resolves the operation on the
 * ledger). Before any subgraph is called: the operation is priced from the resolution and the
 * quote's total is reserved on the application's account (`PAYMENT_REQUIRED` when it cannot be),
 * or, with `X-Gridmark-Quote: only`, the quote is the whole answer and nothing is fetched. After
 * verification: the application is charged only for the values released VERIFIED, in one book
 * transaction that also queues the trade contract for the ledger; the response carries the quote,
 * the charge and the trade's Merkle receipt in `extensions.gridmark`.
 */
export function createBillingPlugin(
  options: BillingPluginOptions,
): ApolloServerPlugin<GatewayContext> {
  const { billing } = options;
  const receiptTimeoutMs = options.receiptTimeoutMs ?? 2_000;
  return {
    requestDidStart: () => {
      let state: RequestBilling | undefined;
      return Promise.resolve({
        async didResolveOperation({ contextValue }) {
          state = await reserveForRequest(billing, contextValue);
        },
        responseForOperation({ response }) {
          // A quote fetches nothing: the operation is answered without executing it.
          if (!state?.quoteOnly) return Promise.resolve(null);
          return Promise.resolve({
            http: response.http,
            body: { kind: 'single', singleResult: { data: null } },
          });
        },
        async willSendResponse({ response, contextValue }) {
          if (!state || response.body.kind !== 'single') return;
          await chargeResponse(
            billing,
            state,
            contextValue,
            response.body.singleResult,
            receiptTimeoutMs,
          );
        },
      });
    },
  };
}

/**
 * Prices the operation that the access check resolved and, unless only a quote is asked for,
 * reserves its total. Undefined when the operation is not one that billing prices.
 *
 * @throws the request's refusal (`PAYMENT_REQUIRED`, `LEDGER_UNAVAILABLE`) when the total cannot be reserved
 */
async function reserveForRequest(
  billing: Billing,
  context: GatewayContext,
): Promise<RequestBilling | undefined> {
  await context.accessDecided;
  const access = context.access;
  if (!access?.resolution) return undefined;
  const quote = billing.quote(access.resolution, access.fields);
  const quoteOnly = (context.headers(QUOTE_HEADER) ?? '').trim().toLowerCase() === 'only';
  if (quoteOnly) return { quote, quoteOnly };
  try {
    const { holdId } = await billing.reserve(access.applicationId, quote);
    return { quote, quoteOnly, holdId };
  } catch (error) {
    if (error instanceof GridmarkError) throw error.toRequestRefusal();
    throw error;
  }
}

/**
 * Charges the request for the values it released verified and adds the quote and the charge to
 * the response's `extensions.gridmark`; a response that could not be charged loses its data.
 */
async function chargeResponse(
  billing: Billing,
  state: RequestBilling,
  context: GatewayContext,
  result: FormattedExecutionResult,
  receiptTimeoutMs: number,
): Promise<void> {
  let charged: ChargedQuery | undefined;
  let receipt: TradeReceipt | null = null;
  if (state.holdId !== undefined && context.access) {
    const access = context.access;
    const verified = access.verifications.filter((v) => v.status === 'VERIFIED');
    try {
      charged = await billing.charge(state.holdId, {
        applicationId: access.applicationId,
        function: access.function,
        quote: state.quote,
        verified,
      });
    } catch (error) {
      withholdUncharged(result, error);
      return;
    }
    if (charged) receipt = await withinMs(charged.onLedger, receiptTimeoutMs);
  }
  const gridmark = (result.extensions?.['gridmark'] ?? {}) as Record<string, unknown>;
  result.extensions = {
    ...result.extensions,
    gridmark: { ...gridmark, ...billingExtension(state, charged, receipt) },
  };
}

/** Data that could not be charged is not released, nor are the values in its receipt. */
function withholdUncharged(result: FormattedExecutionResult, error: unknown): void {
  const failure =
    error instanceof GridmarkError
      ? error
      : new GridmarkError(
          'BILLING_UNAVAILABLE',
          'The query could not be charged; nothing is released.',
          { cause: error },
        );
  result.data = null;
  result.errors = [
    ...(result.errors ?? []),
    { message: failure.message, extensions: { code: failure.code } },
  ];
  const receipt = result.extensions?.['gridmark'] as Record<string, unknown> | undefined;
  if (receipt) result.extensions = { ...result.extensions, gridmark: withoutValues(receipt) };
}

/**
 * What billing adds to `extensions.gridmark`. A quote-only answer itemises the price; a charged
 * response summarises it (the charge itemises what was actually bought), so that it does not
 * repeat every field twice.
 */
function billingExtension(
  state: RequestBilling,
  charged: ChargedQuery | undefined,
  receipt: TradeReceipt | null,
): Record<string, unknown> {
  if (state.quoteOnly) return { quote: state.quote };
  return {
    quote: {
      resolutionId: state.quote.resolutionId,
      values: state.quote.fields.length,
      fieldFeesFen: state.quote.fieldFeesFen,
      resolutionFeeFen: state.quote.resolutionFeeFen,
      totalFen: state.quote.totalFen,
    },
    charge: charged
      ? {
          tradeId: charged.trade.tradeId,
          amountFen: charged.trade.amountFen,
          platformFeeFen: charged.trade.platformFeeFen,
          payees: charged.trade.payees,
          items: charged.trade.items,
          at: charged.trade.at,
          balanceFen: charged.account.balanceFen,
          availableFen: charged.account.availableFen,
          receipt,
        }
      : {
          tradeId: null,
          amountFen: 0,
          note: 'no value was released verified: nothing is charged',
        },
  };
}

/** The receipt, or null when it takes longer than `ms` (the trade waits in the outbox and is recorded later). */
function withinMs(receipt: Promise<TradeReceipt | null>, ms: number): Promise<TradeReceipt | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)));
  return Promise.race([receipt, late]).finally(() => clearTimeout(timer));
}
