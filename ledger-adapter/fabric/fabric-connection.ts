import {
  createHash,
  createPrivateKey,
  createPublicKey,
  X509Certificate,
  type KeyObject,
} from 'node:crypto';
import { Client, credentials, type CallOptions } from '@grpc/grpc-js';
import { connect, signers, type Gateway, type Network } from '@hyperledger/fabric-gateway';
import { GridmarkError } from '../../schema/index.js';
import type { ResolvedFabricConfig } from './fabric-config.js';

/** An open connection to a Fabric gateway peer, for one identity and one channel. */
export interface FabricConnection {
  readonly gateway: Gateway;
  readonly network: Network;
  /** Closes the gateway and the gRPC channel. */
  close(): void;
}

/**
 * Opens the gRPC channel (TLS, or plaintext when configured so) and connects a fabric-gateway
 * `Gateway` with the configured identity, signer and per-call deadlines. gRPC connects lazily,
 * so an unreachable peer shows on the first call, not here.
 *
 * @throws {GridmarkError} `BAD_CONFIGURATION` when the private key does not load or does not
 * belong to the certificate (neither key nor certificate content is ever in the message).
 */
export function openFabricConnection(config: ResolvedFabricConfig): FabricConnection {
  const privateKey = loadPrivateKey(config.privateKey, 'privateKey');
  checkKeyMatchesCertificate(privateKey, config.certificate);

  const transport = config.transport;
  let channelCredentials = credentials.createInsecure();
  let tlsClientCertificateHash: Uint8Array | undefined;
  if (transport.kind === 'tls') {
    channelCredentials = credentials.createSsl(
      transport.caCertificate,
      transport.clientKey ?? null,
      transport.clientCertificate ?? null,
    );
    if (transport.clientCertificate !== undefined) {
      tlsClientCertificateHash = createHash('sha256')
        .update(new X509Certificate(transport.clientCertificate).raw)
        .digest();
    }
  }
  const client = new Client(
    config.endpoint,
    channelCredentials,
    transport.kind === 'tls' && transport.serverNameOverride !== undefined
      ? { 'grpc.ssl_target_name_override': transport.serverNameOverride }
      : {},
  );
  const within = (ms: number) => (): CallOptions => ({ deadline: Date.now() + ms });
  const gateway = connect({
    client,
    identity: { mspId: config.mspId, credentials: config.certificate },
    signer: signers.newPrivateKeySigner(privateKey),
    evaluateOptions: within(config.deadlines.evaluateMs),
    endorseOptions: within(config.deadlines.endorseMs),
    submitOptions: within(config.deadlines.submitMs),
    commitStatusOptions: within(config.deadlines.commitStatusMs),
    ...(tlsClientCertificateHash === undefined ? {} : { tlsClientCertificateHash }),
  });
  return {
    gateway,
    network: gateway.getNetwork(config.channelName),
    close() {
      gateway.close();
      client.close();
    },
  };
}

function loadPrivateKey(pem: Buffer, key: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch (error) {
    throw new GridmarkError('BAD_CONFIGURATION', `fabric.${key} is not a readable private key`, {
      details: { key: `fabric.${key}` },
      cause: error,
    });
  }
}

function checkKeyMatchesCertificate(privateKey: KeyObject, certificatePem: Buffer): void {
  let matches = false;
  try {
    const fromKey = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
    const fromCertificate = new X509Certificate(certificatePem).publicKey.export({
      type: 'spki',
      format: 'der',
    });
    matches = fromKey.equals(fromCertificate);
  } catch (error) {
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      'fabric.certificate is not a readable X.509 certificate',
      {
        details: { key: 'fabric.certificate' },
        cause: error,
      },
    );
  }
  if (!matches) {
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      'fabric.privateKey does not belong to fabric.certificate',
      { details: { key: 'fabric.privateKey' } },
    );
  }
}
