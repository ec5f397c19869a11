import { describe, expect, it } from 'vitest';
import { ledgerConfigOf, parseGatewayConfig, resolveConfigPaths } from './index.js';

const BASE = '/etc/gridmark';

describe('the ledger a configuration names', () => {
  it('is the embedded file with its node key in the keys directory, apart from the data', () => {
    const config = parseGatewayConfig({ data: { directory: '/var/lib/gridmark' } }, { env: {} });
    const paths = resolveConfigPaths(config, BASE);
    expect(ledgerConfigOf(config, paths, BASE)).toEqual({
      kind: 'embedded',
      path: '/var/lib/gridmark/ledger.db',
      nodeKeyPath: '/etc/gridmark/keys/ledger-node-key.pem',
    });
  });

  it('is Fabric with its files relative to the configuration and its deadlines', () => {
    const config = parseGatewayConfig(
      {
        ledger: {
          kind: 'fabric',
          fabric: {
            endpoint: 'peer0.org1.example.com:7051',
            mspId: 'Org1MSP',
            certificate: 'fabric/cert.pem',
            privateKey: '/secure/key.pem',
            channelName: 'mychannel',
            chaincodeName: 'gridmark',
            caCertificate: 'fabric/ca.pem',
            serverNameOverride: 'peer0',
            submitMs: 9_000,
          },
        },
      },
      { env: {} },
    );
    expect(ledgerConfigOf(config, resolveConfigPaths(config, BASE), BASE)).toEqual({
      kind: 'fabric',
      endpoint: 'peer0.org1.example.com:7051',
      mspId: 'Org1MSP',
      certificate: { path: '/etc/gridmark/fabric/cert.pem' },
      privateKey: { path: '/secure/key.pem' },
      channelName: 'mychannel',
      chaincodeName: 'gridmark',
      transport: {
        kind: 'tls',
        caCertificate: { path: '/etc/gridmark/fabric/ca.pem' },
        serverNameOverride: 'peer0',
      },
      deadlines: { evaluateMs: 5_000, endorseMs: 15_000, submitMs: 9_000, commitStatusMs: 60_000 },
    });
  });
});
