import { setTimeout as sleep } from 'node:timers/promises';
import type { ContractRunner, TransactionOutcome } from '../../../ledger-adapter/index.js';

const text = new TextEncoder();
const waitingPartners = new Map<string, () => void>();

function meetPartner(key: string): Promise<void> {
  const partner = waitingPartners.get(key);
  if (partner !== undefined) {
    waitingPartners.delete(key);
    partner();
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    waitingPartners.set(key, resolve);
    setTimeout(resolve, 5_000).unref();
  });
}
const fromBytes = new TextDecoder();

/**
 * A small key-value contract for the test peer's own tests, independent of the gridmark
 * contract: `Put(key, value)` writes and emits `Put`; `Get(key)` reads; `Increment(key)` reads
 * and writes; `IncrementPair(key)` does the same in lockstep with a second one (a certain read
 * conflict); `Refuse(code, text)` fails with `[code] text`; `Slow(ms)` answers after a delay;
 * `Creator()` returns the submitter's MSP id.
 */
export const keyValueRunner: ContractRunner = async (state, input) => {
  const ok = (payload: string, extra: Partial<TransactionOutcome> = {}): TransactionOutcome => ({
    status: 'OK',
    payload: text.encode(payload),
    message: '',
    reads: [],
    writes: [],
    event: null,
    ...extra,
  });
  const [first = '', second = ''] = input.args;
  switch (input.transaction) {
    case 'Put':
      return ok(JSON.stringify({ key: first }), {
        writes: [{ key: first, value: text.encode(second) }],
        event: {
          name: 'Put',
          payload: text.encode(JSON.stringify({ key: first, txId: input.txId })),
        },
      });
    case 'Get': {
      const entry = await state.get(first);
      return ok(entry === undefined ? 'null' : JSON.stringify(fromBytes.decode(entry.value)), {
        reads: [{ key: first, version: entry?.version ?? null }],
      });
    }
    case 'Increment':
    case 'IncrementPair': {
      const entry = await state.get(first);
      // IncrementPair returns only once a second IncrementPair on the same key has read it too,
      // so two of them always read the same version: a read conflict made certain.
      if (input.transaction === 'IncrementPair') await meetPartner(first);
      const next = (entry === undefined ? 0 : Number(fromBytes.decode(entry.value))) + 1;
      return ok(String(next), {
        reads: [{ key: first, version: entry?.version ?? null }],
        writes: [{ key: first, value: text.encode(String(next)) }],
        event: { name: 'Incremented', payload: text.encode(String(next)) },
      });
    }
    case 'Refuse':
      return {
        ...ok(''),
        status: 'ERROR',
        payload: new Uint8Array(),
        message: `[${first}] ${second}`,
      };
    case 'Slow':
      await sleep(Number(first));
      return ok('"slow"');
    case 'Creator':
      return ok(JSON.stringify(input.creator.mspId));
    default:
      return {
        ...ok(''),
        status: 'ERROR',
        payload: new Uint8Array(),
        message: `[UNKNOWN_TRANSACTION] ${input.transaction}`,
      };
  }
};
