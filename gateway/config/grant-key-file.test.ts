import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  GridmarkError,
  grantPublicKeysFromJwks,
  signGrant,
  verifyGrant,
} from '../../schema/index.js';
import {
  createGrantKeyFile,
  grantKeySet,
  parseDuration,
  readGrantKeyFile,
  rotateGrantKeyFile,
} from './index.js';

const DAY = 86_400_000;

function keyFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'gridmark-keys-')), 'keys', 'grant-keys.json');
}

async function caught(run: () => unknown): Promise<GridmarkError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(GridmarkError);
    return error as GridmarkError;
  }
  throw new Error('expected a refusal');
}

describe('the grant key file', () => {
  it('creates one owner-only key and reads the same key and kid back', async () => {
    const path = keyFile();
    const created = await createGrantKeyFile(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const ring = readGrantKeyFile(path);
    expect(ring.signing.kid).toBe(created.kid);
    expect(ring.signing.publicKey.equals(created.publicKey)).toBe(true);
    const set = await grantKeySet(ring);
    expect(set.keys).toEqual([
      {
        kty: 'OKP',
        crv: 'Ed25519',
        x: expect.any(String) as string,
        kid: created.kid,
        alg: 'EdDSA',
        use: 'sig',
      },
    ]);
    expect((await caught(() => createGrantKeyFile(path))).code).toBe('ALREADY_INITIALIZED');
  });

  it('rotates: the new key signs, the old stays published until the overlap ends', async () => {
    const path = keyFile();
    const start = new Date('2026-01-01T00:00:00Z');
    const first = await createGrantKeyFile(path, start);
    const rotatedAt = new Date(start.getTime() + DAY);
    const { added } = await rotateGrantKeyFile(path, 7 * DAY, rotatedAt);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const during = readGrantKeyFile(path, new Date(rotatedAt.getTime() + 6 * DAY));
    expect(during.signing.kid).toBe(added.kid);
    expect(during.published.map((k) => k.kid)).toEqual([added.kid, first.kid]);
    // A business system holding the published set accepts grants by either key.
    const keys = grantPublicKeysFromJwks(await grantKeySet(during)).map((k) => k.key);
    const grant = {
      v: 1,
      app: 'A',
      fn: 'f',
      role: 'r',
      sys: 's',
      devices: [],
      fields: [],
      res: 'r',
      exp: Date.now() + 60_000,
      nonce: 'n',
    } as const;
    for (const key of [first, added])
      expect(verifyGrant(signGrant(grant, key.privateKey), keys, { subgraph: 's' }).nonce).toBe(
        'n',
      );
    const after = readGrantKeyFile(path, new Date(rotatedAt.getTime() + 8 * DAY));
    expect(after.published.map((k) => k.kid)).toEqual([added.kid]);
    // A later rotation drops keys already retired.
    await rotateGrantKeyFile(path, DAY, new Date(rotatedAt.getTime() + 9 * DAY));
    const stored = JSON.parse(readFileSync(path, 'utf8')) as { keys: { kid: string }[] };
    expect(stored.keys.map((k) => k.kid)).not.toContain(first.kid);
  });

  it('refuses a key file its group or others may read or write, without changing it', async () => {
    const path = keyFile();
    await createGrantKeyFile(path);
    for (const mode of [0o640, 0o604, 0o620]) {
      chmodSync(path, mode);
      const error = await caught(() => readGrantKeyFile(path));
      expect(error.code).toBe('KEY_FILE_EXPOSED');
      expect(error.message).toContain(path);
      expect(statSync(path).mode & 0o777).toBe(mode);
      expect((await caught(() => rotateGrantKeyFile(path, DAY))).code).toBe('KEY_FILE_EXPOSED');
    }
  });

  it('names a missing or malformed key file', async () => {
    const path = keyFile();
    expect((await caught(() => readGrantKeyFile(path))).code).toBe('DATA_FILE_MISSING');
    await createGrantKeyFile(path);
    writeFileSync(path, '{"format":"other"}', { mode: 0o600 });
    const error = await caught(() => readGrantKeyFile(path));
    expect(error.code).toBe('DATA_FILE_UNREADABLE');
    expect(error.details).toEqual({ file: path });
  });
});

describe('durations', () => {
  it('reads 7d, 12h, 30m, 45s, 500ms and refuses anything else naming the option', async () => {
    expect(
      ['7d', '12h', '30m', '45s', '500ms', '250'].map((t) => parseDuration(t, '--overlap')),
    ).toEqual([7 * DAY, 12 * 3_600_000, 30 * 60_000, 45_000, 500, 250]);
    const error = await caught(() => parseDuration('a week', '--overlap'));
    expect(error.code).toBe('BAD_CONFIGURATION');
    expect(error.message).toContain('--overlap');
  });
});
