import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startFabricTestPeer,
  type FabricTestPeer,
  createTestNetworkCredentials,
} from '../../test/support/fabric-test-peer/index.js';
import type { LedgerClient } from '../ledger-client.js';
import { createFabricLedgerClient, FabricLedgerError } from './index.js';

const json = (bytes: Uint8Array): unknown => JSON.parse(new TextDecoder().decode(bytes));

describe('the gridmark contract on Fabric, through the test peer', () => {
  let testPeer: FabricTestPeer;
  let ledger: LedgerClient;
  let dir: string;

  beforeAll(async () => {
    const creds = await createTestNetworkCredentials();
    dir = await mkdtemp(join(tmpdir(), 'gridmark-fabric-contract-'));
    // No runner given: the peer runs the real contract classes.
    testPeer = await startFabricTestPeer({
      identity: creds.peer,
      mspId: 'Org1MSP',
      trustedMsps: { Org1MSP: [creds.orgCa.certificatePem] },
    });
    ledger = await createFabricLedgerClient({
      endpoint: testPeer.address,
      transport: { kind: 'plaintext' },
      mspId: 'Org1MSP',
      certificate: { pem: creds.client.certificatePem },
      privateKey: { pem: creds.client.privateKeyPem },
      channelName: testPeer.channelName,
      chaincodeName: testPeer.chaincodeName,
      checkpointFile: join(dir, 'checkpoint.json'),
    });
  });

  afterAll(async () => {
    await ledger.close();
    await testPeer.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('registers fields, reads them back, and emits FieldsRegistered', async () => {
    const start = testPeer.height();
    const registered = await ledger.submit('RegisterFields', [
      JSON.stringify({
        systemCode: '88.1001.3',
        fields: [{ fieldCode: '88.1001.3.F0001', coordinate: 'Device.outputPowerW', feeFen: 5 }],
      }),
    ]);
    expect(json(registered.result)).toEqual({ fieldCodes: ['88.1001.3.F0001'] });
    expect(
      json(
        await ledger.evaluate('GetFields', [
          JSON.stringify(['88.1001.3.F0001', '88.1001.3.F0002']),
        ]),
      ),
    ).toEqual([
      expect.objectContaining({
        fieldCode: '88.1001.3.F0001',
        systemCode: '88.1001.3',
        coordinate: 'Device.outputPowerW',
        feeFen: 5,
      }),
      null,
    ]);
    for await (const event of ledger.events({ startBlock: start })) {
      expect(event).toMatchObject({
        name: 'FieldsRegistered',
        txId: registered.txId,
        blockNumber: registered.blockNumber,
      });
      expect(json(event.payload)).toEqual({
        systemCode: '88.1001.3',
        fieldCodes: ['88.1001.3.F0001'],
      });
      break;
    }
  });

  it("carries the contract's own refusal codes to the caller", async () => {
    const notOwned = await ledger
      .submit('RegisterFields', [
        JSON.stringify({
          systemCode: '88.1001.3',
          fields: [{ fieldCode: '88.1001.4.F0001', coordinate: 'Device.x', feeFen: 1 }],
        }),
      ])
      .catch((e: unknown) => e);
    expect(notOwned).toBeInstanceOf(FabricLedgerError);
    expect(notOwned).toMatchObject({
      code: 'LEDGER_REJECTED',
      details: { contractCode: 'FIELD_NOT_OWNED', stage: 'endorse' },
    });

    const noRule = await ledger
      .submit('Resolve', [
        JSON.stringify({
          applicationId: 'APP-0001',
          function: 'full-lifecycle',
          role: 'om-engineer',
          deviceIds: ['88.1001.1/PVI-000001'],
        }),
      ])
      .catch((e: unknown) => e);
    expect(noRule).toMatchObject({ code: 'LEDGER_REJECTED', details: { contractCode: 'NO_RULE' } });
  });
});
