import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GridmarkError } from '../../schema/index.js';
import { createTestCertificateAuthority } from '../../test/support/fabric-test-peer/index.js';
import { createFabricLedgerClient, type FabricLedgerConfig } from './index.js';

const ca = await createTestCertificateAuthority();
const identity = await ca.issue('aggregator@org1');
const valid: FabricLedgerConfig = {
  endpoint: '127.0.0.1:7051',
  transport: { kind: 'tls', caCertificate: { pem: ca.certificatePem } },
  mspId: 'Org1MSP',
  certificate: { pem: identity.certificatePem },
  privateKey: { pem: identity.privateKeyPem },
  channelName: 'gridmark',
  chaincodeName: 'gridmark',
};

async function configError(config: FabricLedgerConfig): Promise<GridmarkError> {
  const error = await createFabricLedgerClient(config).then(
    async (client) => {
      await client.close();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GridmarkError);
  expect((error as GridmarkError).code).toBe('BAD_CONFIGURATION');
  return error as GridmarkError;
}

describe('Fabric ledger client configuration', () => {
  it('accepts a complete configuration without dialling the peer', async () => {
    const client = await createFabricLedgerClient(valid);
    await client.close();
  });

  it('refuses a missing transport instead of falling back to plaintext', async () => {
    const error = await configError({
      ...valid,
      transport: undefined as unknown as FabricLedgerConfig['transport'],
    });
    expect(error.details).toEqual({ key: 'fabric.transport' });
  });

  it('refuses an endpoint that is not host:port', async () => {
    expect((await configError({ ...valid, endpoint: 'grpcs://peer0:7051' })).details).toEqual({
      key: 'fabric.endpoint',
    });
  });

  it('refuses a private key that does not belong to the certificate, without printing either', async () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString();
    const error = await configError({ ...valid, privateKey: { pem: other } });
    expect(error.details).toEqual({ key: 'fabric.privateKey' });
    expect(error.message).not.toContain('BEGIN');
  });

  it('names the unreadable PEM file and keeps the file system error as the cause', async () => {
    const error = await configError({
      ...valid,
      certificate: { path: '/nonexistent/gridmark-cert.pem' },
    });
    expect(error.details).toEqual({ key: 'fabric.certificate' });
    expect(error.message).toContain('/nonexistent/gridmark-cert.pem');
    expect((error.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
  });

  it('refuses a certificate given where a private key belongs', async () => {
    expect(
      (await configError({ ...valid, privateKey: { pem: identity.certificatePem } })).details,
    ).toEqual({ key: 'fabric.privateKey' });
  });

  it('refuses a non-positive deadline', async () => {
    expect((await configError({ ...valid, deadlines: { submitMs: 0 } })).details).toEqual({
      key: 'fabric.deadlines.submitMs',
    });
  });
});
