import { createPrivateKey, generateKeyPairSync, verify, X509Certificate } from 'node:crypto';
import { Client, credentials, status as GrpcStatus } from '@grpc/grpc-js';
import {
  CommitStatusError,
  connect,
  EndorseError,
  GatewayError,
  signers,
  StatusCode,
  type ChaincodeEvent,
  type Contract,
  type Gateway,
  type Signer,
} from '@hyperledger/fabric-gateway';
import { common, gateway as gatewayProtos, ledger, peer } from '@hyperledger/fabric-protos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestNetworkCredentials,
  keyValueRunner,
  startFabricTestPeer,
  type FabricTestPeer,
  type TestNetworkCredentials,
} from './index.js';

const text = new TextDecoder();

describe('Fabric Gateway test peer', () => {
  let creds: TestNetworkCredentials;
  let testPeer: FabricTestPeer;
  let grpcClient: Client;
  let honest: Gateway;
  let offline: Gateway;
  let forger: Signer;
  let signer: Signer;

  const contractOf = (gateway: Gateway): Contract =>
    gateway.getNetwork('gridmark').getContract('gridmark');

  beforeAll(async () => {
    creds = await createTestNetworkCredentials();
    testPeer = await startFabricTestPeer({
      runner: keyValueRunner,
      identity: creds.peer,
      mspId: 'Org1MSP',
      trustedMsps: { Org1MSP: [creds.orgCa.certificatePem] },
    });
    grpcClient = new Client(testPeer.address, credentials.createInsecure());
    const identity = { mspId: 'Org1MSP', credentials: Buffer.from(creds.client.certificatePem) };
    signer = signers.newPrivateKeySigner(createPrivateKey(creds.client.privateKeyPem));
    honest = connect({ client: grpcClient, identity, signer });
    // No signer: every message is signed by the test, honestly or not (fabric-gateway's offline signing flow).
    offline = connect({ client: grpcClient, identity });
    forger = signers.newPrivateKeySigner(
      generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey,
    );
  });

  afterAll(async () => {
    honest.close();
    offline.close();
    grpcClient.close();
    await testPeer.stop();
  });

  it('evaluates a transaction on the committed state without ordering it', async () => {
    const heightBefore = testPeer.height();
    const result = await contractOf(honest).evaluateTransaction('Get', 'nothing-here');
    expect(text.decode(result)).toBe('null');
    expect(testPeer.height()).toBe(heightBefore);
  });

  it('hands the contract the creator taken from the signed proposal', async () => {
    expect(JSON.parse(text.decode(await contractOf(honest).evaluateTransaction('Creator')))).toBe(
      'Org1MSP',
    );
  });

  it('returns a prepared transaction whose layers carry the result, the read/write set, the event and a valid endorsement', async () => {
    const transaction = await contractOf(honest)
      .newProposal('Put', { arguments: ['layers', 'v1'] })
      .endorse();
    const prepared = gatewayProtos.PreparedTransaction.deserializeBinary(transaction.getBytes());
    const payload = common.Payload.deserializeBinary(
      prepared.getEnvelope()?.getPayload_asU8() ?? new Uint8Array(),
    );
    const channelHeader = common.ChannelHeader.deserializeBinary(
      payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(),
    );
    expect(channelHeader.getChannelId()).toBe('gridmark');
    expect(channelHeader.getTxId()).toBe(transaction.getTransactionId());

    const [action] = peer.Transaction.deserializeBinary(payload.getData_asU8()).getActionsList();
    const endorsed = peer.ChaincodeActionPayload.deserializeBinary(
      action?.getPayload_asU8() ?? new Uint8Array(),
    ).getAction();
    const responsePayloadBytes = endorsed?.getProposalResponsePayload_asU8() ?? new Uint8Array();
    const chaincodeAction = peer.ChaincodeAction.deserializeBinary(
      peer.ProposalResponsePayload.deserializeBinary(responsePayloadBytes).getExtension_asU8(),
    );
    expect(chaincodeAction.getResponse()?.getStatus()).toBe(200);
    expect(JSON.parse(text.decode(chaincodeAction.getResponse()?.getPayload_asU8()))).toEqual({
      key: 'layers',
    });
    expect(text.decode(transaction.getResult())).toBe(JSON.stringify({ key: 'layers' }));

    const event = peer.ChaincodeEvent.deserializeBinary(chaincodeAction.getEvents_asU8());
    expect([event.getEventName(), event.getChaincodeId(), event.getTxId()]).toEqual([
      'Put',
      'gridmark',
      transaction.getTransactionId(),
    ]);

    const rwset = ledger.rwset.TxReadWriteSet.deserializeBinary(chaincodeAction.getResults_asU8());
    const [ns] = rwset.getNsRwsetList();
    const writes = ledger.rwset.kvrwset.KVRWSet.deserializeBinary(
      ns?.getRwset_asU8() ?? new Uint8Array(),
    ).getWritesList();
    expect(ns?.getNamespace()).toBe('gridmark');
    expect(writes.map((write) => [write.getKey(), text.decode(write.getValue_asU8())])).toEqual([
      ['layers', 'v1'],
    ]);

    const [endorsement] = endorsed?.getEndorsementsList() ?? [];
    const peerKey = new X509Certificate(creds.peer.certificatePem).publicKey;
    const signed = Buffer.concat([
      responsePayloadBytes,
      endorsement?.getEndorser_asU8() ?? new Uint8Array(),
    ]);
    expect(
      verify('sha256', signed, peerKey, endorsement?.getSignature_asU8() ?? new Uint8Array()),
    ).toBe(true);
  });

  it('orders submitted transactions into blocks, commits their writes and answers the commit status', async () => {
    const heightBefore = testPeer.height();
    const submitted = await Promise.all(
      ['a', 'b', 'c', 'd'].map((key) =>
        contractOf(honest).submitAsync('Put', { arguments: [`block-${key}`, key] }),
      ),
    );
    const statuses = await Promise.all(submitted.map((tx) => tx.getStatus()));
    expect(statuses.every((status) => status.successful && status.code === StatusCode.VALID)).toBe(
      true,
    );
    const blocks = new Set(statuses.map((status) => status.blockNumber));
    // Four transactions arriving together share blocks: fewer blocks than transactions, numbered from the old height.
    expect(blocks.size).toBeLessThan(4);
    expect(
      [...blocks].every((number) => number >= heightBefore && number < testPeer.height()),
    ).toBe(true);
    expect(text.decode(await contractOf(honest).evaluateTransaction('Get', 'block-c'))).toBe('"c"');
  });

  it('invalidates the later of two transactions that read the same version (MVCC_READ_CONFLICT)', async () => {
    const contract = contractOf(honest);
    const [first, second] = await Promise.all([
      contract.newProposal('Increment', { arguments: ['counter'] }).endorse(),
      contract.newProposal('Increment', { arguments: ['counter'] }).endorse(),
    ]);
    const statuses = await Promise.all([
      (await first.submit()).getStatus(),
      (await second.submit()).getStatus(),
    ]);
    expect(statuses.map((status) => status.code).sort()).toEqual([
      StatusCode.VALID,
      StatusCode.MVCC_READ_CONFLICT,
    ]);
    expect(text.decode(await contract.evaluateTransaction('Get', 'counter'))).toBe('"1"');

    // Only the valid one emitted an event.
    const firstBlock = statuses.reduce(
      (low, status) => (status.blockNumber < low ? status.blockNumber : low),
      statuses[0].blockNumber,
    );
    const events = await honest
      .getNetwork('gridmark')
      .getChaincodeEvents('gridmark', { startBlock: firstBlock });
    const iterator = events[Symbol.asyncIterator]();
    const valid = statuses.find((status) => status.code === StatusCode.VALID);
    expect(((await iterator.next()).value as ChaincodeEvent).transactionId).toBe(
      valid?.transactionId,
    );
    const marker = await contract.submitAsync('Put', { arguments: ['after-conflict', 'x'] });
    expect(((await iterator.next()).value as ChaincodeEvent).transactionId).toBe(
      marker.getTransactionId(),
    );
    events.close();
  });

  it('invalidates a transaction whose endorsed payload was altered after endorsement (ENDORSEMENT_POLICY_FAILURE)', async () => {
    const transaction = await contractOf(honest)
      .newProposal('Put', { arguments: ['tampered', 'honest'] })
      .endorse();
    const prepared = gatewayProtos.PreparedTransaction.deserializeBinary(transaction.getBytes());
    const envelope = prepared.getEnvelope()!;
    const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
    const tx = peer.Transaction.deserializeBinary(payload.getData_asU8());
    const action = tx.getActionsList()[0]!;
    const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
    const endorsed = actionPayload.getAction()!;
    const responsePayload = peer.ProposalResponsePayload.deserializeBinary(
      endorsed.getProposalResponsePayload_asU8(),
    );
    const chaincodeAction = peer.ChaincodeAction.deserializeBinary(
      responsePayload.getExtension_asU8(),
    );
    const kv = new ledger.rwset.kvrwset.KVRWSet();
    const write = new ledger.rwset.kvrwset.KVWrite();
    write.setKey('tampered');
    write.setValue(Buffer.from('forged'));
    kv.setWritesList([write]);
    const ns = new ledger.rwset.NsReadWriteSet();
    ns.setNamespace('gridmark');
    ns.setRwset(kv.serializeBinary());
    const rwset = new ledger.rwset.TxReadWriteSet();
    rwset.setNsRwsetList([ns]);
    chaincodeAction.setResults(rwset.serializeBinary());
    responsePayload.setExtension$(chaincodeAction.serializeBinary());
    endorsed.setProposalResponsePayload(responsePayload.serializeBinary());
    action.setPayload(actionPayload.serializeBinary());
    payload.setData(tx.serializeBinary());
    envelope.setPayload(payload.serializeBinary());

    // The client signs the altered envelope with its own, valid key: only the endorsement can catch it.
    const unsigned = offline.newTransaction(prepared.serializeBinary());
    const resigned = offline.newSignedTransaction(
      prepared.serializeBinary(),
      await signer(unsigned.getDigest()),
    );
    const submitted = await resigned.submit();
    const commit = offline.newCommit(submitted.getBytes());
    const status = await offline
      .newSignedCommit(submitted.getBytes(), await signer(commit.getDigest()))
      .getStatus();
    expect(status.code).toBe(StatusCode.ENDORSEMENT_POLICY_FAILURE);
    expect(text.decode(await contractOf(honest).evaluateTransaction('Get', 'tampered'))).toBe(
      'null',
    );
  });

  it('refuses an evaluate proposal with a forged signature (FAILED_PRECONDITION)', async () => {
    const proposal = contractOf(offline).newProposal('Get', { arguments: ['x'] });
    const forged = offline.newSignedProposal(
      proposal.getBytes(),
      await forger(proposal.getDigest()),
    );
    const error = await forged.evaluate().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe(GrpcStatus.FAILED_PRECONDITION);
    expect((error as GatewayError).details[0]?.message).toMatch(
      /access denied.*signature is not valid/,
    );
  });

  it('refuses an endorse proposal with a forged signature (ABORTED, reason in the details)', async () => {
    const proposal = contractOf(offline).newProposal('Put', { arguments: ['forged', 'x'] });
    const forged = offline.newSignedProposal(
      proposal.getBytes(),
      await forger(proposal.getDigest()),
    );
    const error = await forged.endorse().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EndorseError);
    expect((error as EndorseError).code).toBe(GrpcStatus.ABORTED);
    expect((error as EndorseError).details).toEqual([
      {
        address: testPeer.address,
        mspId: 'Org1MSP',
        message: expect.stringMatching(/access denied/) as unknown,
      },
    ]);
  });

  it('refuses a submitted envelope with a forged signature, as the orderer does (ABORTED, FORBIDDEN)', async () => {
    const transaction = await contractOf(honest)
      .newProposal('Put', { arguments: ['forged-envelope', 'x'] })
      .endorse();
    const unsigned = offline.newTransaction(transaction.getBytes());
    const forged = offline.newSignedTransaction(
      transaction.getBytes(),
      await forger(unsigned.getDigest()),
    );
    const error = (await forged.submit().catch((e: unknown) => e)) as GatewayError;
    expect(error.name).toBe('SubmitError');
    expect(error.code).toBe(GrpcStatus.ABORTED);
    expect(error.message).toContain('status=FORBIDDEN');
    expect(testPeer.transactionStatus(transaction.getTransactionId())).toBeUndefined();
  });

  it('refuses a commit status request with a forged signature (PERMISSION_DENIED)', async () => {
    const submitted = await contractOf(honest).submitAsync('Put', {
      arguments: ['status-forged', 'x'],
    });
    const commit = offline.newCommit(submitted.getBytes());
    const forged = offline.newSignedCommit(submitted.getBytes(), await forger(commit.getDigest()));
    const error = await forged.getStatus().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommitStatusError);
    expect((error as CommitStatusError).code).toBe(GrpcStatus.PERMISSION_DENIED);
    expect((await submitted.getStatus()).successful).toBe(true);
  });

  it('refuses a chaincode events request with a forged signature (PERMISSION_DENIED)', async () => {
    const request = offline
      .getNetwork('gridmark')
      .newChaincodeEventsRequest('gridmark', { startBlock: 0n });
    const forged = offline.newSignedChaincodeEventsRequest(
      request.getBytes(),
      await forger(request.getDigest()),
    );
    const events = await forged.getEvents();
    const error = await events[Symbol.asyncIterator]()
      .next()
      .catch((e: unknown) => e);
    events.close();
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe(GrpcStatus.PERMISSION_DENIED);
  });

  it('refuses a correctly signed proposal from an identity its CA did not issue', async () => {
    // The TLS CA's server certificate is a valid certificate, but not one the org's CA issued.
    const strangerGateway = connect({
      client: grpcClient,
      identity: { mspId: 'Org1MSP', credentials: Buffer.from(creds.tlsServer.certificatePem) },
      signer: signers.newPrivateKeySigner(createPrivateKey(creds.tlsServer.privateKeyPem)),
    });
    try {
      const error = await contractOf(strangerGateway)
        .evaluateTransaction('Get', 'x')
        .catch((e: unknown) => e);
      expect((error as GatewayError).code).toBe(GrpcStatus.FAILED_PRECONDITION);
      expect((error as GatewayError).details[0]?.message).toContain('not issued by a trusted CA');
    } finally {
      strangerGateway.close();
    }
  });

  it('refuses a proposal for a channel or chaincode it does not have', async () => {
    const wrongChannel = (await honest
      .getNetwork('other')
      .getContract('gridmark')
      .evaluateTransaction('Get', 'x')
      .catch((e: unknown) => e)) as GatewayError;
    expect(wrongChannel.code).toBe(GrpcStatus.FAILED_PRECONDITION);
    expect(wrongChannel.details[0]?.message).toBe("channel 'other' not found");
    const wrongChaincode = (await honest
      .getNetwork('gridmark')
      .getContract('other')
      .evaluateTransaction('Get', 'x')
      .catch((e: unknown) => e)) as GatewayError;
    expect(wrongChaincode.details[0]?.message).toBe("chaincode definition for 'other' not found");
  });

  it('refuses to endorse a proposal whose transaction id is already committed', async () => {
    const proposal = contractOf(honest).newProposal('Put', { arguments: ['once', 'x'] });
    const status = await (await (await proposal.endorse()).submit()).getStatus();
    expect(status.successful).toBe(true);
    const replay = (await proposal.endorse().catch((e: unknown) => e)) as EndorseError;
    expect(replay).toBeInstanceOf(EndorseError);
    expect(replay.details[0]?.message).toBe(
      `duplicate transaction found [${proposal.getTransactionId()}]`,
    );
  });

  it('reports a chaincode error as UNKNOWN on evaluate and ABORTED on endorse, keeping the contract message', async () => {
    const evaluateError = (await contractOf(honest)
      .evaluateTransaction('Refuse', 'NO_RULE', 'no rule')
      .catch((e: unknown) => e)) as GatewayError;
    expect(evaluateError.code).toBe(GrpcStatus.UNKNOWN);
    expect(evaluateError.details[0]?.message).toBe('chaincode response 500, [NO_RULE] no rule');
    const endorseError = (await contractOf(honest)
      .submitTransaction('Refuse', 'CONFLICT', 'differs')
      .catch((e: unknown) => e)) as EndorseError;
    expect(endorseError).toBeInstanceOf(EndorseError);
    expect(endorseError.code).toBe(GrpcStatus.ABORTED);
    expect(endorseError.details[0]?.message).toBe('chaincode response 500, [CONFLICT] differs');
  });

  it('streams chaincode events of valid transactions from a start block, then live ones, and resumes after a checkpointed transaction', async () => {
    const contract = contractOf(honest);
    const start = testPeer.height();
    const first = await contract.submitAsync('Put', { arguments: ['ev-1', 'x'] });
    await first.getStatus();
    const network = honest.getNetwork('gridmark');
    const events = await network.getChaincodeEvents('gridmark', { startBlock: start });
    const iterator = events[Symbol.asyncIterator]();
    const replayed = (await iterator.next()).value as ChaincodeEvent;
    expect(replayed).toMatchObject({
      eventName: 'Put',
      transactionId: first.getTransactionId(),
      chaincodeName: 'gridmark',
    });
    const second = await contract.submitAsync('Put', { arguments: ['ev-2', 'x'] });
    const live = await iterator.next();
    expect(live.value).toMatchObject({ transactionId: second.getTransactionId() });
    events.close();

    // A checkpoint at the first transaction skips it and resumes with the second.
    const resumed = await network.getChaincodeEvents('gridmark', {
      checkpoint: {
        getBlockNumber: () => replayed.blockNumber,
        getTransactionId: () => first.getTransactionId(),
      },
    });
    const next = await resumed[Symbol.asyncIterator]().next();
    resumed.close();
    expect(next.value).toMatchObject({ transactionId: second.getTransactionId() });
  });
});
