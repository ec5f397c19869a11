import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLedger } from '../create-ledger.js';
import {
  startFabricTestPeer,
  type FabricTestPeer,
  createTestNetworkCredentials,
  type TestNetworkCredentials,
} from '../../test/support/fabric-test-peer/index.js';

describe('createLedger({ kind: "fabric" })', () => {
  let creds: TestNetworkCredentials;
  let peer: FabricTestPeer;

  beforeAll(async () => {
    creds = await createTestNetworkCredentials();
    peer = await startFabricTestPeer({ identity: creds.peer, mspId: 'Org1MSP' });
  });
  afterAll(() => peer.stop());

  it('puts the typed adapter over the Fabric client, so a registration lands on the peer', async () => {
    const ledger = await createLedger({
      kind: 'fabric',
      endpoint: peer.address,
      transport: { kind: 'plaintext' },
      mspId: 'Org1MSP',
      certificate: { pem: creds.client.certificatePem },
      privateKey: { pem: creds.client.privateKeyPem },
      channelName: peer.channelName,
      chaincodeName: peer.chaincodeName,
    });
    try {
      const height = peer.height();
      const { fieldCodes } = await ledger.registerFields({
        systemCode: '88.1001.5',
        fields: [{ fieldCode: '88.1001.5.F0001', coordinate: 'Device.assetStatus', feeFen: 2 }],
      });
      expect(fieldCodes).toEqual(['88.1001.5.F0001']);
      expect(peer.height()).toBeGreaterThan(height);
      expect((await ledger.getFields(['88.1001.5.F0001']))[0]).toMatchObject({
        systemCode: '88.1001.5',
        feeFen: 2,
      });
    } finally {
      await ledger.close();
    }
  });
});
