import { canonicalJson } from './canonical-json.js';
import { ContractError } from './contract-error.js';
import { merkleRootFromProof, merkleTree, sha256Hex } from './merkle.js';
import type { Resolution, Trade, TradeReceipt } from './records.js';
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

/** @throws ContractError INVALID_ARGUMENT (also when `amountFen` is not the payees' sum plus the platform fee) */
export function parseTrade(value: unknown, what: string): Trade {
  const t = expectObject(value, what, ['tradeId', 'applicationId', 'resolutionId', 'deviceId', 'function', 'fieldCodes', 'payees', 'platformFeeFen', 'amountFen', 'at']);
  const fieldCodes = expectArray(t['fieldCodes'], `${what}.fieldCodes`, 256).map((c, i) => expectFieldCode(c, `${what}.fieldCodes[${i}]`));
  expectUnique(fieldCodes, `${what}.fieldCodes`, (c) => c);
  const payees = expectArray(t['payees'], `${what}.payees`, 64).map((p, i) => {
    const payee = expectObject(p, `${what}.payees[${i}]`, ['systemCode', 'amountFen']);
    return { systemCode: expectSystemCode(payee['systemCode'], `${what}.payees[${i}].systemCode`), amountFen: expectFen(payee['amountFen'], `${what}.payees[${i}].amountFen`) };
  });
  expectUnique(payees, `${what}.payees`, (p) => p.systemCode);
  const platformFeeFen = expectFen(t['platformFeeFen'], `${what}.platformFeeFen`);
  const amountFen = expectFen(t['amountFen'], `${what}.amountFen`);
  const sum = payees.reduce((total, p) => total + p.amountFen, platformFeeFen);
  if (sum > MAX_FEN || sum !== amountFen) {
    throw new ContractError('INVALID_ARGUMENT', `${what}.amountFen is ${amountFen} but the payees and the platform fee add up to ${sum}`);
  }
  return {
    tradeId: expectRecordId(t['tradeId'], `${what}.tradeId`),
    applicationId: expectApplicationId(t['applicationId'], `${what}.applicationId`),
    resolutionId: expectRecordId(t['resolutionId'], `${what}.resolutionId`),
    deviceId: expectDeviceId(t['deviceId'], `${what}.deviceId`),
    function: expectFunctionName(t['function'], `${what}.function`),
    fieldCodes,
    payees,
    platformFeeFen,
    amountFen,
    at: expectTimestamp(t['at'], `${what}.at`),
  };
}

/** @throws ContractError INVALID_ARGUMENT */
export function parseRecordTrades(value: unknown): Trade[] {
  const input = expectObject(value, 'RecordTrades argument', ['trades']);
  const trades = expectArray(input['trades'], 'trades', MAX_TRADES_PER_CALL).map((t, i) => parseTrade(t, `trades[${i}]`));
  expectUnique(trades, 'trades', (t) => t.tradeId);
  return trades;
}

/**
 * Checks a trade against the resolution it pays for: same application and function, a device of
 * the resolution, only fields the resolution gave for it, and only their holders as payees.
 *
 * @throws ContractError NOT_FOUND when the resolution is missing, INVALID_ARGUMENT on a mismatch
 */
export function checkTradeAgainstResolution(trade: Trade, resolution: Resolution | undefined): void {
  if (!resolution) throw new ContractError('NOT_FOUND', `trade ${trade.tradeId}: resolution ${trade.resolutionId} does not exist`);
  if (resolution.applicationId !== trade.applicationId || resolution.function !== trade.function) {
    throw new ContractError('INVALID_ARGUMENT', `trade ${trade.tradeId}: resolution ${trade.resolutionId} was made for another application or function`);
  }
  const device = resolution.devices.find((d) => d.deviceId === trade.deviceId);
  if (!device) throw new ContractError('INVALID_ARGUMENT', `trade ${trade.tradeId}: device ${trade.deviceId} is not part of resolution ${trade.resolutionId}`);
  const holderOf = new Map(device.fields.map((f) => [f.fieldCode, f.systemCode]));
  const holders = new Set<string>();
  for (const code of trade.fieldCodes) {
    const holder = holderOf.get(code);
    if (holder === undefined) throw new ContractError('INVALID_ARGUMENT', `trade ${trade.tradeId}: field ${code} was not resolved for device ${trade.deviceId}`);
    holders.add(holder);
  }
  for (const payee of trade.payees) {
    if (!holders.has(payee.systemCode)) throw new ContractError('INVALID_ARGUMENT', `trade ${trade.tradeId}: payee ${payee.systemCode} holds none of the traded fields`);
  }
}

/** SHA-256 (hex) of the trade's deterministic JSON: the leaf of its batch's Merkle tree. */
export function tradeLeafHash(trade: Trade): string {
  return sha256Hex(canonicalJson(trade));
}

/** Receipts for a batch of new trades recorded by transaction `txId`, and the batch's root. */
export function buildReceipts(trades: readonly Trade[], txId: string): { merkleRoot: string; receipts: TradeReceipt[] } {
  const leaves = trades.map(tradeLeafHash);
  const { root, proofs } = merkleTree(leaves);
  return {
    merkleRoot: root,
    receipts: trades.map((t, i) => ({ tradeId: t.tradeId, txId, leafHash: leaves[i] as string, merkleRoot: root, proof: proofs[i] as TradeReceipt['proof'] })),
  };
}

/** True when the receipt proves that exactly this trade is in the batch with the receipt's root. */
export function verifyTradeReceipt(trade: Trade, receipt: TradeReceipt): boolean {
  return trade.tradeId === receipt.tradeId && tradeLeafHash(trade) === receipt.leafHash && merkleRootFromProof(receipt.leafHash, receipt.proof) === receipt.merkleRoot;
}

/** True when two trades have the same content (a repeated submission may be answered with the first receipt). */
export function sameTrade(a: Trade, b: Trade): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
