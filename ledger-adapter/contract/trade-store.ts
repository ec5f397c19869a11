import { claimBatchRef } from './batch-ref.js';
import { canonicalJson } from './canonical-json.js';
import type { ContractState } from './contract-stub.js';
import { merkleProof, merkleTree, sha256Hex } from './merkle.js';
import { buildReceipts } from './trades.js';
import { STATE_TYPES, type ProofStep, type Trade, type TradeReceipt } from './records.js';

/*
 * How trades are stored. One trade is recorded per charged query, and a query asked again buys
 * the same (application, function, items, payees, fees): so a trade is stored as its own small
 * record, `{"b":body,"i":leaf,"r":resolutionId,"t":at,"x":batch}` under `trade` [tradeId], what it
 * shares with trades of the same content as one body under `tradebody` [SHA-256 of the body's
 * deterministic JSON], and what its batch shares (transaction id, time and the leaves of the
 * Merkle tree, from which the root and any receipt's proof are recomputed) once under
 * `tradebatch` [ref].
 * Trades stored earlier hold `{ trade, receipt }` whole and are read as they are.
 */

/** The composite-key type of trade bodies. */
export const TRADE_BODY_TYPE = 'tradebody';

/** What trades of the same content share: all of a trade but its id, resolution and time. */
export type TradeBody = Omit<Trade, 'tradeId' | 'resolutionId' | 'at'>;

/** A trade as stored. */
export interface StoredTrade {
  /** The body's hash. */
  readonly b: string;
  /** The trade's leaf in its batch's tree. */
  readonly i: number;
  readonly r: string;
  readonly t: string;
  /** Its batch's reference. */
  readonly x: string;
}

/** What a batch of trades shares; its Merkle root is the root of the tree over its leaves. */
export interface TradeBatch {
  readonly txId: string;
  /** The leaf hashes of the batch's trades, in the order recorded. */
  readonly leaves: readonly string[];
  readonly recordedAt: string;
}

/** A recorded trade with its receipt. */
export interface TradeRecord {
  readonly trade: Trade;
  readonly receipt: TradeReceipt;
}

const bodyOf = ({
  applicationId,
  function: fn,
  items,
  payees,
  platformFeeFen,
  amountFen,
}: Trade): TradeBody => ({ applicationId, function: fn, items, payees, platformFeeFen, amountFen });

/** Reads recorded trades whole, receipts included, within one transaction; each batch's tree is built once. */
export class TradeReader {
  readonly #state: ContractState;
  readonly #trees = new Map<string, { root: string; proofs: ProofStep[][] }>();
  readonly #asked = new Set<string>();

  constructor(state: ContractState) {
    this.#state = state;
  }

  /**
   * The trade and its receipt, or undefined when it is not recorded.
   *
   * @throws Error when the record references a body or batch that is not in state (the state is corrupt)
   */
  async get(tradeId: string): Promise<TradeRecord | undefined> {
    const stored = await this.#state.get<StoredTrade | TradeRecord>(STATE_TYPES.trade, [tradeId]);
    if (stored === undefined || 'trade' in stored) return stored;
    const body = await this.#state.get<TradeBody>(TRADE_BODY_TYPE, [stored.b]);
    const batch = await this.#state.get<TradeBatch>(STATE_TYPES.tradeBatch, [stored.x]);
    if (body === undefined || batch === undefined)
      throw new Error(`trade ${tradeId} references a body or batch that is not in state`);
    const trade: Trade = {
      tradeId,
      applicationId: body.applicationId,
      resolutionId: stored.r,
      function: body.function,
      items: body.items,
      payees: body.payees,
      platformFeeFen: body.platformFeeFen,
      amountFen: body.amountFen,
      at: stored.t,
    };
    const { root, proof } = this.#proof(stored.x, batch, stored.i);
    return {
      trade,
      receipt: {
        tradeId,
        txId: batch.txId,
        leafHash: batch.leaves[stored.i] as string,
        merkleRoot: root,
        proof,
      },
    };
  }

  #proof(ref: string, batch: TradeBatch, index: number): { root: string; proof: ProofStep[] } {
    let tree = this.#trees.get(ref);
    if (tree === undefined) {
      // One receipt of a batch costs one pass over its leaves; a second of the same batch builds every proof once.
      if (!this.#asked.has(ref)) {
        this.#asked.add(ref);
        return merkleProof(batch.leaves, index);
      }
      this.#trees.set(ref, (tree = merkleTree(batch.leaves)));
    }
    return { root: tree.root, proof: tree.proofs[index] as ProofStep[] };
  }
}

/**
 * Records a batch of new trades: their Merkle tree over leaf hashes in the order given, each trade
 * compact, each body not yet on the ledger once, and the batch once. Returns the receipts.
 *
 * @throws ContractError CONFLICT when this transaction's batch reference is taken
 */
export async function putTrades(
  state: ContractState,
  trades: readonly Trade[],
): Promise<TradeReceipt[]> {
  const { receipts } = buildReceipts(trades, state.txId);
  const ref = await claimBatchRef(state, STATE_TYPES.tradeBatch);
  await state.put(STATE_TYPES.tradeBatch, [ref], {
    txId: state.txId,
    leaves: receipts.map((r) => r.leafHash),
    recordedAt: state.at,
  } satisfies TradeBatch);
  const written = new Set<string>();
  for (const [i, trade] of trades.entries()) {
    const body = bodyOf(trade);
    const hash = sha256Hex(canonicalJson(body));
    if (!written.has(hash)) {
      written.add(hash);
      if (!(await state.exists(TRADE_BODY_TYPE, [hash])))
        await state.put(TRADE_BODY_TYPE, [hash], body);
    }
    await state.put(STATE_TYPES.trade, [trade.tradeId], {
      b: hash,
      i,
      r: trade.resolutionId,
      t: trade.at,
      x: ref,
    } satisfies StoredTrade);
  }
  return receipts;
}
