import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { CommitError, EndorseError, GatewayError } from '@hyperledger/fabric-gateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestCertificateAuthority,
  startFabricTestPeer,
  type FabricTestPeer,
  createTestNetworkCredentials,
  keyValueRunner,
  TEST_PEER_TLS_NAME,
  type TestNetworkCredentials,
} from '../../test/support/fabric-test-peer/index.js';
import type { LedgerClient, LedgerEvent } from '../ledger-client.js';
import { createFabricLedgerClient, FabricLedgerError, type FabricLedgerConfig } from './index.js';

const text = new TextDecoder();

async function rejection(promise: Promise<unknown>): Promise<FabricLedgerError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FabricLedgerError);
  return error as FabricLedgerError;
}

async function take(events: AsyncIterable<LedgerEvent>, count: number): Promise<LedgerEvent[]> {
  const taken: LedgerEvent[] = [];
  if (count === 0) return taken;
  for await (const event of events) {
    taken.push(event);
    if (taken.length === count) break;
  }
  return taken;
}

describe('Fabric ledger client against the test peer (real fabric-gateway client, gRPC over TLS)', () => {
  let creds: TestNetworkCredentials;
  let testPeer: FabricTestPeer;
  let ledger: LedgerClient;
  let dir: string;
  let config: FabricLedgerConfig;

  beforeAll(async () => {
    creds = await createTestNetworkCredentials();
    dir = await mkdtemp(join(tmpdir(), 'gridmark-fabric-'));
    testPeer = await startFabricTestPeer({
      runner: keyValueRunner,
      identity: creds.peer,
      mspId: 'Org1MSP',
      tls: creds.tlsServer,
      trustedMsps: { Org1MSP: [creds.orgCa.certificatePem] },
    });
    config = {
      endpoint: testPeer.address,
      transport: {
        kind: 'tls',
        caCertificate: { pem: creds.tlsCa.certificatePem },
        serverNameOverride: TEST_PEER_TLS_NAME,
      },
      mspId: 'Org1MSP',
      certificate: { pem: creds.client.certificatePem },
      privateKey: { pem: Buffer.from(creds.client.privateKeyPem) },
      channelName: 'gridmark',
      chaincodeName: 'gridmark',
    };
    ledger = await createFabricLedgerClient(config);
  });

  afterAll(async () => {
    await ledger.close();
    await testPeer.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('evaluates a read without ordering anything', async () => {
    const height = testPeer.height();
    expect(text.decode(await ledger.evaluate('Get', ['absent']))).toBe('null');
    expect(testPeer.height()).toBe(height);
  });

  it('submits a write and resolves once it is committed, with its result, transaction id and block', async () => {
    const committed = await ledger.submit('Put', ['plant', 'PV-1']);
    expect(JSON.parse(text.decode(committed.result))).toEqual({ key: 'plant' });
    expect(committed.txId).toMatch(/^[0-9a-f]{64}$/);
    expect(testPeer.transactionStatus(committed.txId)).toEqual({
      code: 0,
      blockNumber: committed.blockNumber,
    });
    expect(committed.blockNumber).toBeGreaterThan(0n);
    expect(text.decode(await ledger.evaluate('Get', ['plant']))).toBe('"PV-1"');
  });

  it('surfaces a contract refusal on evaluate as LEDGER_REJECTED with the contract code', async () => {
    const error = await rejection(
      ledger.evaluate('Refuse', ['NO_RULE', 'no rule for om-engineer']),
    );
    expect(error.code).toBe('LEDGER_REJECTED');
    expect(error.details).toMatchObject({
      contractCode: 'NO_RULE',
      reason: 'no rule for om-engineer',
      stage: 'evaluate',
      transaction: 'Refuse',
    });
    expect(error.message).toContain('[NO_RULE]');
    expect(error.cause).toBeInstanceOf(GatewayError);
    expect((error.cause as GatewayError).code).toBe(GrpcStatus.UNKNOWN);
  });

  it('surfaces a contract refusal on submit as LEDGER_REJECTED from the endorsement, with the contract code', async () => {
    const height = testPeer.height();
    const error = await rejection(ledger.submit('Refuse', ['FIELD_NOT_OWNED', 'not yours']));
    expect(error.code).toBe('LEDGER_REJECTED');
    expect(error.details).toMatchObject({
      contractCode: 'FIELD_NOT_OWNED',
      stage: 'endorse',
      grpcStatus: 'ABORTED',
    });
    expect(error.cause).toBeInstanceOf(EndorseError);
    expect(testPeer.height()).toBe(height);
  });

  it('surfaces a transaction invalidated at commit as LEDGER_REJECTED with the validation code', async () => {
    const outcomes = await Promise.allSettled([
      ledger.submit('IncrementPair', ['races']),
      ledger.submit('IncrementPair', ['races']),
    ]);
    const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    // Both read the same version; ordering lets one through and invalidates the other.
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    const error = rejected[0]?.reason as FabricLedgerError;
    expect(error).toBeInstanceOf(FabricLedgerError);
    expect(error.code).toBe('LEDGER_REJECTED');
    expect(error.details).toMatchObject({ stage: 'commit', validationCode: 'MVCC_READ_CONFLICT' });
    expect(error.cause).toBeInstanceOf(CommitError);
  });

  it('follows events from a start block, then live ones, and stops when the signal aborts', async () => {
    const start = testPeer.height();
    const first = await ledger.submit('Put', ['ev-a', '1']);
    const abort = new AbortController();
    const events = ledger.events({ startBlock: start, signal: abort.signal });
    const iterator = events[Symbol.asyncIterator]();
    const replayed = await iterator.next();
    expect(replayed.value).toMatchObject({
      name: 'Put',
      txId: first.txId,
      blockNumber: first.blockNumber,
    });
    expect(JSON.parse(text.decode((replayed.value as LedgerEvent).payload))).toEqual({
      key: 'ev-a',
      txId: first.txId,
    });
    const pending = iterator.next();
    const second = await ledger.submit('Put', ['ev-b', '2']);
    expect((await pending).value).toMatchObject({ txId: second.txId });
    const stopped = iterator.next();
    abort.abort();
    expect(await stopped).toEqual({ done: true, value: undefined });
  });

  it('resumes after the last delivered event when a client restarts with the same checkpoint file', async () => {
    const checkpointFile = join(dir, 'events.checkpoint.json');
    const start = testPeer.height();
    const written = [];
    for (const key of ['cp-1', 'cp-2', 'cp-3'])
      written.push(await ledger.submit('Put', [key, 'x']));

    const before = await createFabricLedgerClient({ ...config, checkpointFile });
    const seen = await take(before.events({ startBlock: start }), 2);
    await before.close();
    expect(seen.map((e) => e.txId)).toEqual([written[0]?.txId, written[1]?.txId]);
    // The second event was delivered but the consumer stopped before asking for more: it is not yet checkpointed.
    expect(JSON.parse(await readFile(checkpointFile, 'utf8'))).toEqual({
      blockNumber: String(written[0]?.blockNumber),
      transactionId: written[0]?.txId,
    });

    const after = await createFabricLedgerClient({ ...config, checkpointFile });
    const resumed = await take(after.events({ startBlock: start }), 2);
    await after.close();
    expect(resumed.map((e) => e.txId)).toEqual([written[1]?.txId, written[2]?.txId]);
  });

  it("refuses an identity its organisation's CA did not issue as LEDGER_REJECTED", async () => {
    const stranger = await createFabricLedgerClient({
      ...config,
      certificate: { pem: creds.tlsServer.certificatePem },
      privateKey: { pem: creds.tlsServer.privateKeyPem },
    });
    try {
      const error = await rejection(stranger.evaluate('Get', ['plant']));
      expect(error.code).toBe('LEDGER_REJECTED');
      expect(error.details).toMatchObject({ grpcStatus: 'FAILED_PRECONDITION', stage: 'evaluate' });
      expect(error.details).not.toHaveProperty('contractCode');
      const submitError = await rejection(stranger.submit('Put', ['plant', 'forged']));
      expect(submitError.details).toMatchObject({ grpcStatus: 'ABORTED', stage: 'endorse' });
    } finally {
      await stranger.close();
    }
    expect(text.decode(await ledger.evaluate('Get', ['plant']))).toBe('"PV-1"');
  });

  it('does not trust a peer whose TLS certificate another CA signed (LEDGER_UNAVAILABLE)', async () => {
    const wrongCa = await createFabricLedgerClient({
      ...config,
      transport: {
        kind: 'tls',
        caCertificate: { pem: creds.orgCa.certificatePem },
        serverNameOverride: TEST_PEER_TLS_NAME,
      },
      deadlines: { evaluateMs: 2_000 },
    });
    try {
      const error = await rejection(wrongCa.evaluate('Get', ['plant']));
      expect(error.code).toBe('LEDGER_UNAVAILABLE');
      expect((error.cause as GatewayError).code).toBe(GrpcStatus.UNAVAILABLE);
    } finally {
      await wrongCa.close();
    }
  });

  it('connects with mutual TLS when the peer requires a client certificate, and is refused without one', async () => {
    const clientTls = await createTestCertificateAuthority('org1 TLS client CA');
    const tlsClient = await clientTls.issue('aggregator-tls', {
      hosts: ['aggregator.gridmark.test'],
    });
    const strict = await startFabricTestPeer({
      runner: keyValueRunner,
      identity: creds.peer,
      tls: { ...creds.tlsServer, clientCaCertificatePem: clientTls.certificatePem },
    });
    const tls = {
      kind: 'tls',
      caCertificate: { pem: creds.tlsCa.certificatePem },
      serverNameOverride: TEST_PEER_TLS_NAME,
    } as const;
    const mutual = await createFabricLedgerClient({
      ...config,
      endpoint: strict.address,
      transport: {
        ...tls,
        clientCertificate: { pem: tlsClient.certificatePem },
        clientKey: { pem: tlsClient.privateKeyPem },
      },
    });
    const anonymous = await createFabricLedgerClient({
      ...config,
      endpoint: strict.address,
      transport: tls,
      deadlines: { evaluateMs: 2_000 },
    });
    try {
      expect(text.decode(await mutual.evaluate('Get', ['nothing']))).toBe('null');
      expect((await rejection(anonymous.evaluate('Get', ['nothing']))).code).toBe(
        'LEDGER_UNAVAILABLE',
      );
    } finally {
      await mutual.close();
      await anonymous.close();
      await strict.stop();
    }
  });

  it('surfaces a passed deadline as LEDGER_UNAVAILABLE', async () => {
    const hasty = await createFabricLedgerClient({ ...config, deadlines: { evaluateMs: 100 } });
    try {
      const error = await rejection(hasty.evaluate('Slow', ['1000']));
      expect(error.code).toBe('LEDGER_UNAVAILABLE');
      expect(error.details).toMatchObject({ grpcStatus: 'DEADLINE_EXCEEDED', stage: 'evaluate' });
    } finally {
      await hasty.close();
    }
  });

  it('surfaces a stopped peer as LEDGER_UNAVAILABLE, for reads, writes and events', async () => {
    const doomed = await startFabricTestPeer({ runner: keyValueRunner, identity: creds.peer });
    const client = await createFabricLedgerClient({
      ...config,
      endpoint: doomed.address,
      transport: { kind: 'plaintext' },
      deadlines: { evaluateMs: 2_000, endorseMs: 2_000 },
    });
    try {
      await client.submit('Put', ['alive', 'yes']);
      const stream = client.events({ startBlock: doomed.height() });
      const following = stream[Symbol.asyncIterator]().next();
      await doomed.stop();
      // A stream that was open when the peer went away ends with the same error, not a hang.
      expect((await rejection(following)).code).toBe('LEDGER_UNAVAILABLE');
      const read = await rejection(client.evaluate('Get', ['alive']));
      expect(read.code).toBe('LEDGER_UNAVAILABLE');
      expect((read.cause as GatewayError).code).toBe(GrpcStatus.UNAVAILABLE);
      const write = await rejection(client.submit('Put', ['alive', 'no']));
      expect(write).toMatchObject({
        code: 'LEDGER_UNAVAILABLE',
        details: { stage: 'endorse', grpcStatus: 'UNAVAILABLE' },
      });
      const events = await rejection(take(client.events({ startBlock: 0n }), 1));
      expect(events.code).toBe('LEDGER_UNAVAILABLE');
    } finally {
      await client.close();
    }
  });
});
