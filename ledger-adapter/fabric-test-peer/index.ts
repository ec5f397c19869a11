/**
 * A Fabric Gateway test peer: a gRPC server speaking the `gateway.Gateway` protocol of a Fabric
 * 2.5 peer, for tests of the Fabric ledger client against the real fabric-gateway client.
 */
export {
  startFabricTestPeer,
  type FabricTestPeer,
  type FabricTestPeerOptions,
} from './test-peer.js';
export type { TrustedMsps } from './identity-verifier.js';
export type { TransactionStatus } from './peer-ledger.js';
export {
  createTestCertificateAuthority,
  type TestCertificateAuthority,
  type TestKeyPair,
} from './test-credentials.js';
