import { GridmarkError } from '../../schema/index.js';
import { forbid, requireOverseer, type Caller } from '../registry/index.js';
import type { Billing } from './billing.js';
import { periodOf } from './billing-inputs.js';
import type { BillingStore } from './billing-store.js';
import type { TradeRecord } from './billing-types.js';

/** The most trades one listing returns. */
const MAX_LISTING = 1_000;

/**
 * Admins and auditors see every account; an application its own; a system's operator the system's.
 *
 * @throws GridmarkError FORBIDDEN for anyone else (UNAUTHENTICATED without a key)
 */
export function requireAccountReader(caller: Caller, accountId: string): void {
  if (caller.role === 'PLATFORM_ADMIN' || caller.role === 'AUDITOR') return;
  if (caller.role === 'APPLICATION' && caller.appId === accountId) return;
  if (caller.role === 'ENTERPRISE_USER' && caller.systemCode === accountId) return;
  forbid(caller, `read account ${accountId}`);
}

/**
 * The trade, when the caller may see it: admins and auditors see every trade, an application the
 * trades it paid, a system's operator those that paid the system.
 *
 * @throws GridmarkError NOT_FOUND when there is no such trade or the caller may not see it (alike)
 */
export function requireTradeVisible(
  caller: Caller,
  tradeId: string,
  record: TradeRecord | undefined,
): TradeRecord {
  const visible =
    record &&
    (caller.role === 'PLATFORM_ADMIN' ||
      caller.role === 'AUDITOR' ||
      (caller.role === 'APPLICATION' && caller.appId === record.trade.applicationId) ||
      (caller.role === 'ENTERPRISE_USER' &&
        record.trade.payees.some((p) => p.systemCode === caller.systemCode)));
  if (!record || !visible)
    throw new GridmarkError('NOT_FOUND', `no trade ${tradeId} visible to the caller.`);
  return record;
}

/**
 * The book's filter for a caller's listing of trades: an application lists its own trades, a
 * system's operator the system's, overseers any; at most {@link MAX_LISTING}.
 *
 * @throws GridmarkError FORBIDDEN (UNAUTHENTICATED without a key) for other callers, BAD_INPUT for
 *   a period that is not one
 */
export function listingFilter(
  caller: Caller,
  filter: Parameters<Billing['trades']>[1],
): Parameters<BillingStore['listTrades']>[0] {
  let applicationId = filter.applicationId ?? undefined;
  let systemCode = filter.systemCode ?? undefined;
  if (caller.role === 'APPLICATION') applicationId = caller.appId;
  else if (caller.role === 'ENTERPRISE_USER') systemCode = caller.systemCode;
  else requireOverseer(caller, 'list trades');
  const { from, to } = periodOf(filter);
  const limit = Math.min(Math.max(filter.limit ?? 100, 1), MAX_LISTING);
  return {
    ...(applicationId ? { applicationId } : {}),
    ...(systemCode ? { systemCode } : {}),
    from,
    to,
    limit,
  };
}
