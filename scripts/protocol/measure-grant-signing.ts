/**
 * Measures what one grant costs to sign at the gateway and to verify at a business system, with
 * the protocol's own code (node:crypto) and with `jose` (SignJWT, jwtVerify over a local key set),
 * so that the hot path's choice rests on figures. Prints one line per way, microseconds per grant.
 *
 *   node --import tsx scripts/protocol/measure-grant-signing.ts [grants]
 */
import { generateKeyPairSync } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { SignJWT, createLocalJWKSet, jwtVerify, type JWK } from 'jose';
import {
  GRANT_TYPE,
  grantClaims,
  grantKeyId,
  signGrant,
  verifyGrant,
  type Grant,
} from '../../schema/index.js';

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 5_000);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const kid = grantKeyId(publicKey);
  const jwks = createLocalJWKSet({
    keys: [{ ...(publicKey.export({ format: 'jwk' }) as JWK), kid, alg: 'EdDSA' }],
  });
  const grant = (i: number): Grant => ({
    v: 1,
    app: 'APP-0001',
    fn: 'full-lifecycle',
    role: 'om-engineer',
    sys: 'monitoring',
    devices: Array.from({ length: 20 }, (_, d) => `88.1001.1/PVI-${String(d).padStart(6, '0')}`),
    fields: ['outputPowerW', 'operatingStatus', 'lastReadingAt'],
    res: 'RES-0001',
    exp: Date.now() + 30_000,
    nonce: `n${i}`,
  });
  const expect = { subgraph: 'monitoring' };

  const ours = time(count, (i) => signGrant(grant(i), privateKey));
  const tokens = ours.results;
  const oursVerify = time(count, (i) => verifyGrant(tokens[i], publicKey, expect));
  const joseSign = await timeAsync(count, (i) =>
    new SignJWT({ ...grantClaims(grant(i), Date.now()) })
      .setProtectedHeader({ alg: 'EdDSA', kid, typ: GRANT_TYPE })
      .sign(privateKey),
  );
  const joseVerify = await timeAsync(count, (i) =>
    jwtVerify(tokens[i] ?? '', jwks, {
      algorithms: ['EdDSA'],
      typ: GRANT_TYPE,
      audience: 'monitoring',
    }),
  );
  process.stdout.write(
    `${count} grants of 20 devices and 3 fields, microseconds per grant:\n` +
      `  sign    node:crypto ${ours.micros.toFixed(1)}   jose ${joseSign.toFixed(1)}\n` +
      `  verify  node:crypto ${oursVerify.micros.toFixed(1)}   jose ${joseVerify.toFixed(1)}\n`,
  );
}

function time<T>(count: number, run: (i: number) => T): { micros: number; results: T[] } {
  const results: T[] = [];
  const start = performance.now();
  for (let i = 0; i < count; i++) results.push(run(i));
  return { micros: ((performance.now() - start) * 1000) / count, results };
}

async function timeAsync(count: number, run: (i: number) => Promise<unknown>): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < count; i++) await run(i);
  return ((performance.now() - start) * 1000) / count;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
