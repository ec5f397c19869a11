import { canonicalJson } from './canonical-json.js';
import { ContractError } from './contract-error.js';
import { merkleRootFromProof, merkleTree, sha256Hex } from './merkle.js';
import type { Resolution, Trade, TradeItem, TradePayee, TradeReceipt } from './records.js';
import {
  expectApplicationId,
  expectArray,
  expectDeviceId,
  expectFen,
  expectFieldCode,
  expectFunctionName,
  expectObject,
  expectRecordId,
  expectSystemCode,
  expectTimestamp,
  expectUnique,
  MAX_FEN,
} from './validation.js';

/** The most trades one `RecordTrades` call may carry. */
export const MAX_TRADES_PER_CALL = 1000;
/** The most devices one trade may name. */
export const MAX_ITEMS_PER_TRADE = 500;
/** The most field codes one item of a trade may name. */
export const MAX_FIELDS_PER_ITEM = 256;
/** The most payees one trade may name. */
export const MAX_PAYEES_PER_TRADE = 256;

function parseItem(value: unknown, what: string): TradeItem {
  const item = expectObject(value, what, ['deviceId', 'fieldCodes']);
  const fieldCodes = expectArray(item['fieldCodes'], `${what}.fieldCodes`, MAX_FIELDS_PER_ITEM).map(
    (c, i) => expectFieldCode(c, `${what}.fieldCodes[${i}]`),
  );
  expectUnique(fieldCodes, `${what}.fieldCodes`, (c) => c);
  return { deviceId: expectDeviceId(item['deviceId'], `${what}.deviceId`), fieldCodes };
}

function parsePayee(value: unknown, what: string): TradePayee {
  const payee = expectObject(value, what, ['systemCode', 'grossFen', 'amountFen']);
  return {
    systemCode: expectSystemCode(payee['systemCode'], `${what}.systemCode`),
    grossFen: expectFen(payee['grossFen'], `${what}.grossFen`),
    amountFen: expectFen(payee['amountFen'], `${what}.amountFen`),
  };
}

/**
 * Parses one trade: its syntax, the limits, and that `amountFen` is the payees' amounts plus the
 * platform fee. What the trade claims about fees is checked against its resolution by
 * {@link checkTradeAgainstResolution}.
 *
 * @throws ContractError INVALID_ARGUMENT
 */
export function parseTrade(value: unknown, what: string): Trade {
  const t = expectObject(value, what, [
    'tradeId',
    'applicationId',
    'resolutionId',
    'function',
    'items',
    'payees',
    'platformFeeFen',
    'amountFen',
    'at',
  ]);
  const items = expectArray(t['items'], `${what}.items`, MAX_ITEMS_PER_TRADE).map((item, i) =>
    parseItem(item, `${what}.items[${i}]`),
  );
  expectUnique(items, `${what}.items`, (item) => item.deviceId);
  const payees = expectArray(t['payees'], `${what}.payees`, MAX_PAYEES_PER_TRADE).map((p, i) =>
    parsePayee(p, `${what}.payees[${i}]`),
  );
  expectUnique(payees, `${what}.payees`, (p) => p.systemCode);
  const platformFeeFen = expectFen(t['platformFeeFen'], `${what}.platformFeeFen`);
  const amountFen = expectFen(t['amountFen'], `${what}.amountFen`);
  const sum = payees.reduce((total, p) => total + p.amountFen, platformFeeFen);
  if (sum > MAX_FEN || sum !== amountFen) {
    throw new ContractError(
      'INVALID_ARGUMENT',
      `${what}.amountFen is ${amountFen} but the payees and the platform fee add up to ${sum}`,
    );
  }
  return {
    tradeId: expectRecordId(t['tradeId'], `${what}.tradeId`),
    applicationId: expectApplicationId(t['applicationId'], `${what}.applicationId`),
    resolutionId: expectRecordId(t['resolutionId'], `${what}.resolutionId`),
    function: expectFunctionName(t['function'], `${what}.function`),
    items,
    payees,
    platformFeeFen,
    amountFen,
    at: expectTimestamp(t['at'], `${what}.at`),
  };
}

/** @throws ContractError INVALID_ARGUMENT */
export function parseRecordTrades(value: unknown): Trade[] {
  const input = expectObject(value, 'RecordTrades argument', ['trades']);
  const trades = expectArray(input['trades'], 'trades', MAX_TRADES_PER_CALL).map((t, i) =>
    parseTrade(t, `trades[${i}]`),
  );
  expectUnique(trades, 'trades', (t) => t.tradeId);
  return trades;
}

/**
 * The gross each system earns from a trade's items under a resolution: the sum of the resolution's
 * fee standards of the system's traded fields, over all items.
 *
 * @throws ContractError INVALID_ARGUMENT when an item names a device the resolution does not hold
 *   or a field it did not resolve for that device
 */
function grossBySystem(trade: Trade, resolution: Resolution): Map<string, number> {
  const fieldsOf = new Map(resolution.devices.map((d) => [d.deviceId, d.fields]));
  const gross = new Map<string, number>();
  for (const item of trade.items) {
    const fields = fieldsOf.get(item.deviceId);
    if (!fields)
      throw new ContractError(
        'INVALID_ARGUMENT',
        `trade ${trade.tradeId}: device ${item.deviceId} is not part of resolution ${trade.resolutionId}`,
      );
    const byCode = new Map(fields.map((f) => [f.fieldCode, f]));
    for (const code of item.fieldCodes) {
      const field = byCode.get(code);
      if (!field)
        throw new ContractError(
          'INVALID_ARGUMENT',
          `trade ${trade.tradeId}: field ${code} was not resolved for device ${item.deviceId}`,
        );
      gross.set(field.systemCode, (gross.get(field.systemCode) ?? 0) + field.feeFen);
    }
  }
  return gross;
}

/**
 * Checks a trade against the resolution it pays for, so that a recorded trade proves the fee
 * standards on the ledger were applied: same application and function; every item a device of
 * the resolution and only fields resolved for it; the payees exactly the systems holding the
 * traded fields, each with the gross its fields' fee standards add up to and paid at most that;
 * and a platform fee of at least the commissions kept (gross less amount, over the payees).
 *
 * @throws ContractError NOT_FOUND when the resolution is missing, INVALID_ARGUMENT on a mismatch
 */
export function checkTradeAgainstResolution(
  trade: Trade,
  resolution: Resolution | undefined,
): void {
  if (!resolution)
    throw new ContractError(
      'NOT_FOUND',
      `trade ${trade.tradeId}: resolution ${trade.resolutionId} does not exist`,
    );
  if (resolution.applicationId !== trade.applicationId || resolution.function !== trade.function) {
    throw new ContractError(
      'INVALID_ARGUMENT',
      `trade ${trade.tradeId}: resolution ${trade.resolutionId} was made for another application or function`,
    );
  }
  const gross = grossBySystem(trade, resolution);
  let commissions = 0;
  for (const payee of trade.payees) {
    const expected = gross.get(payee.systemCode);
    if (expected === undefined)
      throw new ContractError(
        'INVALID_ARGUMENT',
        `trade ${trade.tradeId}: payee ${payee.systemCode} holds none of the traded fields`,
      );
    if (payee.grossFen !== expected) {
      throw new ContractError(
        'INVALID_ARGUMENT',
        `trade ${trade.tradeId}: payee ${payee.systemCode} has a gross of ${payee.grossFen} fen but its traded fields' fee standards add up to ${expected}`,
      );
    }
    if (payee.amountFen > payee.grossFen)
      throw new ContractError(
        'INVALID_ARGUMENT',
        `trade ${trade.tradeId}: payee ${payee.systemCode} is paid ${payee.amountFen} fen, more than its gross of ${payee.grossFen}`,
      );
    commissions += payee.grossFen - payee.amountFen;
  }
  if (trade.payees.length !== gross.size) {
    const named = new Set(trade.payees.map((p) => p.systemCode));
    const missing = [...gross.keys()].find((s) => !named.has(s));
    throw new ContractError(
      'INVALID_ARGUMENT',
      `trade ${trade.tradeId}: system ${missing} holds traded fields but is not a payee`,
    );
  }
  if (trade.platformFeeFen < commissions) {
    throw new ContractError(
      'INVALID_ARGUMENT',
      `trade ${trade.tradeId}: the platform fee of ${trade.platformFeeFen} fen is less than the ${commissions} fen of commissions kept from the payees`,
    );
  }
}

/** SHA-256 (hex) of the trade's deterministic JSON: the leaf of its batch's Merkle tree. */
export function tradeLeafHash(trade: Trade): string {
  return sha256Hex(canonicalJson(trade));
}

/** Receipts for a batch of new trades recorded by transaction `txId`, and the batch's root. */
export function buildReceipts(
  trades: readonly Trade[],
  txId: string,
): { merkleRoot: string; receipts: TradeReceipt[] } {
  const leaves = trades.map(tradeLeafHash);
  const { root, proofs } = merkleTree(leaves);
  return {
    merkleRoot: root,
    receipts: trades.map((t, i) => ({
      tradeId: t.tradeId,
      txId,
      leafHash: leaves[i] as string,
      merkleRoot: root,
      proof: proofs[i] as TradeReceipt['proof'],
    })),
  };
}

/** True when the receipt proves that exactly this trade is in the batch with the receipt's root. */
export function verifyTradeReceipt(trade: Trade, receipt: TradeReceipt): boolean {
  return (
    trade.tradeId === receipt.tradeId &&
    tradeLeafHash(trade) === receipt.leafHash &&
    merkleRootFromProof(receipt.leafHash, receipt.proof) === receipt.merkleRoot
  );
}

/** True when two trades have the same content (a repeated submission may be answered with the first receipt). */
export function sameTrade(a: Trade, b: Trade): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
