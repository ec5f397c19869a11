import { createPrivateKey, X509Certificate } from 'node:crypto';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { gateway, msp } from '@hyperledger/fabric-protos';
import type { ContractRunner } from '../../../ledger-adapter/index.js';
import { createBlockCutter } from './block-cutter.js';
import { createEndorser, type PeerSigningIdentity } from './endorser.js';
import { createGatewayService } from './gateway-service.js';
import { createIdentityVerifier, type TrustedMsps } from './identity-verifier.js';
import { createPeerLedger, type TransactionStatus } from './peer-ledger.js';
import type { TestKeyPair } from './test-credentials.js';
import { createWorldState } from './world-state.js';

/** Options of {@link startFabricTestPeer}; one readonly object. */
export interface FabricTestPeerOptions {
  /**
   * Runs the contract's transactions. Default: the gridmark contract, through the local chaincode
   * stub of `ledger-adapter/runtime` (loaded on first use).
   */
  readonly runner?: ContractRunner;
  /** The peer's own identity (certificate and key) with which it signs endorsements. */
  readonly identity: TestKeyPair;
  /** The peer's organisation. Default `PeerOrgMSP`. */
  readonly mspId?: string;
  /** The one channel the peer has joined. Default `gridmark`. */
  readonly channelName?: string;
  /** The one chaincode installed on it. Default `gridmark`. */
  readonly chaincodeName?: string;
  /**
   * Server TLS certificate and key; without it the peer listens in plaintext. With
   * `clientCaCertificatePem` the peer requires mutual TLS: a client certificate that CA issued.
   */
  readonly tls?: TestKeyPair & { readonly clientCaCertificatePem?: string };
  /**
   * Organisations whose members may transact, each with its root CA certificates. Without it
   * any well-formed certificate is accepted (signatures are still checked).
   */
  readonly trustedMsps?: TrustedMsps;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0: any free port. */
  readonly port?: number;
  /** Cut a block this long after its first transaction. Default 5 ms. */
  readonly batchTimeoutMs?: number;
  /** Cut a block when it holds this many transactions. Default 10. */
  readonly maxTransactionsPerBlock?: number;
}

/** A running test peer. */
export interface FabricTestPeer {
  /** `host:port` to dial. */
  readonly address: string;
  readonly port: number;
  readonly mspId: string;
  readonly channelName: string;
  readonly chaincodeName: string;
  /** The number of committed blocks, genesis included. */
  height(): bigint;
  /** The committed status of a transaction, when it is committed. */
  transactionStatus(txId: string): TransactionStatus | undefined;
  /** Stops listening and ends every open call. */
  stop(): Promise<void>;
}

/**
 * Starts a single Fabric peer with the gateway service enabled, for tests: it endorses with
 * `runner`, orders submitted transactions into blocks itself, validates and commits them to an
 * in-memory world state, and streams chaincode events. See docs/fabric.md for what it does not
 * emulate (it is not an orderer or a consortium).
 *
 * @throws when the port is taken or the identity's key does not load.
 */
export async function startFabricTestPeer(options: FabricTestPeerOptions): Promise<FabricTestPeer> {
  const mspId = options.mspId ?? 'PeerOrgMSP';
  const channelName = options.channelName ?? 'gridmark';
  const chaincodeName = options.chaincodeName ?? 'gridmark';
  const host = options.host ?? '127.0.0.1';

  const identity = signingIdentity(mspId, options.identity);

  const verifier = createIdentityVerifier(options.trustedMsps);
  const state = createWorldState();
  const ledger = createPeerLedger({
    channelName,
    chaincodeName,
    verifier,
    endorser: identity.serialized,
    endorserCertificate: new X509Certificate(options.identity.certificatePem),
    state,
  });
  const orderer = createBlockCutter({
    maxTransactions: options.maxTransactionsPerBlock ?? 10,
    batchTimeoutMs: options.batchTimeoutMs ?? 5,
    deliver: (envelopes) => ledger.commit(envelopes),
  });
  const endorser = createEndorser({
    channelName,
    chaincodeName,
    runner: options.runner ?? (await loadGridmarkRunner()),
    state,
    verifier,
    identity,
    isCommitted: (txId) => ledger.status(txId) !== undefined,
  });

  let address = '';
  const server = new Server();
  server.addService(
    gateway.GatewayService,
    createGatewayService({
      channelName,
      chaincodeName,
      mspId,
      address: () => address,
      endorser,
      ledger,
      orderer,
      verifier,
    }),
  );
  const port = await bind(server, `${host}:${options.port ?? 0}`, serverCredentials(options.tls));
  address = `${host}:${port}`;

  return {
    address,
    port,
    mspId,
    channelName,
    chaincodeName,
    height: () => ledger.height(),
    transactionStatus: (txId) => ledger.status(txId),
    stop() {
      orderer.flush();
      return new Promise((resolve) => {
        server.forceShutdown();
        resolve();
      });
    },
  };
}

/** The identity the peer signs endorsements with, as its MSP serializes it. */
function signingIdentity(mspId: string, keyPair: TestKeyPair): PeerSigningIdentity {
  const serialized = new msp.SerializedIdentity();
  serialized.setMspid(mspId);
  serialized.setIdBytes(Buffer.from(keyPair.certificatePem));
  return {
    mspId,
    serialized: serialized.serializeBinary(),
    privateKey: createPrivateKey(keyPair.privateKeyPem),
  };
}

/** Plaintext without `tls`; TLS with it, mutual when it names a client CA. */
function serverCredentials(tls: FabricTestPeerOptions['tls']): ServerCredentials {
  if (tls === undefined) return ServerCredentials.createInsecure();
  return ServerCredentials.createSsl(
    tls.clientCaCertificatePem === undefined ? null : Buffer.from(tls.clientCaCertificatePem),
    [{ cert_chain: Buffer.from(tls.certificatePem), private_key: Buffer.from(tls.privateKeyPem) }],
    tls.clientCaCertificatePem !== undefined,
  );
}

/** Binds the server; resolves with the port it got. */
function bind(server: Server, address: string, credentials: ServerCredentials): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.bindAsync(address, credentials, (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });
}

async function loadGridmarkRunner(): Promise<ContractRunner> {
  // Imported lazily: loading the contract pulls in fabric-contract-api, which tests with their
  // own runner do not need.
  const { createContractRunner } = await import('../../../ledger-adapter/index.js');
  return createContractRunner();
}
