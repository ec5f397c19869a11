/**
 * A Fabric Gateway test peer: a gRPC server speaking the `gateway.Gateway` protocol of a Fabric
 * 2.5 peer, for tests of the Fabric ledger client against the real fabric-gateway client. It owns
 * the peer (endorser, block cutter, validator, world state), the test credentials it trusts, and
 * a small key-value contract for tests that need no gridmark contract.
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
export {
  createTestNetworkCredentials,
  TEST_PEER_TLS_NAME,
  type TestNetworkCredentials,
} from './test-network-credentials.js';
export { keyValueRunner } from './key-value-runner.js';
