import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A PEM certificate with its PEM (PKCS#8) private key. */
export interface TestKeyPair {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

/** A throwaway certificate authority that issues test certificates. */
export interface TestCertificateAuthority extends TestKeyPair {
  /**
   * Issues an ECDSA P-256 certificate for `commonName`. `hosts` become subject alternative names
   * (IP addresses or DNS names), which a TLS server certificate needs.
   */
  issue(commonName: string, options?: { readonly hosts?: readonly string[] }): Promise<TestKeyPair>;
}

/**
 * Creates a certificate authority with a fresh ECDSA P-256 key, for tests: identities (the
 * client's, the test peer's) and TLS certificates are made at test time, so no private key is
 * ever checked in. Uses the `openssl` command for the X.509 encoding, which node:crypto lacks.
 *
 * @throws when `openssl` is not installed.
 */
export async function createTestCertificateAuthority(
  commonName = 'gridmark test CA',
): Promise<TestCertificateAuthority> {
  const ca = await selfSigned(commonName);
  return {
    ...ca,
    issue: (name, options = {}) => issue(ca, name, options.hosts ?? []),
  };
}

function newEcKeyPem(): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

async function withTempDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'gridmark-certs-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function selfSigned(commonName: string): Promise<TestKeyPair> {
  return withTempDir(async (dir) => {
    const privateKeyPem = newEcKeyPem();
    await writeFile(join(dir, 'key.pem'), privateKeyPem, { mode: 0o600 });
    await run('openssl', [
      'req',
      '-new',
      '-x509',
      '-key',
      join(dir, 'key.pem'),
      '-sha256',
      '-days',
      '2',
      '-subj',
      `/O=gridmark/CN=${commonName}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign,digitalSignature',
      '-out',
      join(dir, 'cert.pem'),
    ]);
    return { privateKeyPem, certificatePem: await readFile(join(dir, 'cert.pem'), 'utf8') };
  });
}

async function issue(
  ca: TestKeyPair,
  commonName: string,
  hosts: readonly string[],
): Promise<TestKeyPair> {
  return withTempDir(async (dir) => {
    const privateKeyPem = newEcKeyPem();
    await writeFile(join(dir, 'key.pem'), privateKeyPem, { mode: 0o600 });
    await writeFile(join(dir, 'ca-key.pem'), ca.privateKeyPem, { mode: 0o600 });
    await writeFile(join(dir, 'ca.pem'), ca.certificatePem);
    const names = hosts.map((host) => (/^[0-9.]+$/.test(host) ? `IP:${host}` : `DNS:${host}`));
    const extensions = ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature'];
    if (names.length > 0)
      extensions.push(
        `subjectAltName=${names.join(',')}`,
        'extendedKeyUsage=serverAuth,clientAuth',
      );
    await writeFile(join(dir, 'ext.cnf'), extensions.join('\n') + '\n');
    await run('openssl', [
      'req',
      '-new',
      '-key',
      join(dir, 'key.pem'),
      '-subj',
      `/O=gridmark/CN=${commonName}`,
      '-out',
      join(dir, 'req.csr'),
    ]);
    await run('openssl', [
      'x509',
      '-req',
      '-in',
      join(dir, 'req.csr'),
      '-CA',
      join(dir, 'ca.pem'),
      '-CAkey',
      join(dir, 'ca-key.pem'),
      '-CAcreateserial',
      '-sha256',
      '-days',
      '2',
      '-extfile',
      join(dir, 'ext.cnf'),
      '-out',
      join(dir, 'cert.pem'),
    ]);
    return { privateKeyPem, certificatePem: await readFile(join(dir, 'cert.pem'), 'utf8') };
  });
}
