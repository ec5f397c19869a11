import { setTimeout as sleep } from 'node:timers/promises';
import type { ContractRunner, TransactionOutcome } from '../contract-runtime.js';
import { createTestCertificateAuthority, type TestKeyPair } from './test-credentials.js';

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

/** Credentials of a small test network: one organisation's CA, a client, the peer, and TLS. */
export interface TestNetworkCredentials {
  readonly orgCa: TestKeyPair;
  readonly client: TestKeyPair;
  readonly peer: TestKeyPair;
  readonly tlsCa: TestKeyPair;
  /** TLS server certificate for the host name `peer0.gridmark.test` only (not 127.0.0.1). */
  readonly tlsServer: TestKeyPair;
}

/** The host name in the test peer's TLS certificate. */
export const TEST_PEER_TLS_NAME = 'peer0.gridmark.test';

/** Makes fresh credentials for one test file (a CA for the org, one for TLS). */
export async function createTestNetworkCredentials(): Promise<TestNetworkCredentials> {
  const orgCa = await createTestCertificateAuthority('org1 CA');
  const tlsCa = await createTestCertificateAuthority('org1 TLS CA');
  const [client, peer, tlsServer] = await Promise.all([
    orgCa.issue('aggregator@org1'),
    orgCa.issue('peer0.org1'),
    tlsCa.issue(TEST_PEER_TLS_NAME, { hosts: [TEST_PEER_TLS_NAME] }),
  ]);
  return { orgCa, client, peer, tlsCa, tlsServer };
}
