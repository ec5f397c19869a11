import { createTestCertificateAuthority, type TestKeyPair } from './test-credentials.js';

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
