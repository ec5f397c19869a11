import {
  startFabricTestPeer,
  createTestNetworkCredentials,
  TEST_PEER_TLS_NAME,
} from '../../test/support/fabric-test-peer/index.js';
import type { LedgerClient } from '../ledger-client.js';
import { describeLedgerContract } from '../testing/index.js';
import { createFabricLedgerClient } from './index.js';

/**
 * The shared ledger contract suite, on Fabric: the real fabric-gateway client, through
 * createFabricLedgerClient, over TLS to the test peer running the gridmark contract.
 */
describeLedgerContract('Fabric (the test peer)', async (): Promise<LedgerClient> => {
  const creds = await createTestNetworkCredentials();
  const peer = await startFabricTestPeer({
    identity: creds.peer,
    mspId: 'Org1MSP',
    tls: creds.tlsServer,
    trustedMsps: { Org1MSP: [creds.orgCa.certificatePem] },
  });
  const client = await createFabricLedgerClient({
    endpoint: peer.address,
    transport: {
      kind: 'tls',
      caCertificate: { pem: creds.tlsCa.certificatePem },
      serverNameOverride: TEST_PEER_TLS_NAME,
    },
    mspId: 'Org1MSP',
    certificate: { pem: creds.client.certificatePem },
    privateKey: { pem: creds.client.privateKeyPem },
    channelName: peer.channelName,
    chaincodeName: peer.chaincodeName,
  });
  return {
    evaluate: (transaction, args) => client.evaluate(transaction, args),
    submit: (transaction, args) => client.submit(transaction, args),
    events: (options) => client.events(options),
    async close() {
      await client.close();
      await peer.stop();
    },
  };
});
