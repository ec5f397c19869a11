import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  GridmarkError,
  grantKeyId,
  grantPublicKey,
  grantPublicKeysFromJwks,
  silentLogger,
  type GrantKeySource,
  type Logger,
} from '../../schema/index.js';

/**
 * The gateway's grant-signing public keys a system trusts, kept current: a lookup by the key id
 * (`kid`) a grant names.
 */
export interface GatewayKeys extends GrantKeySource {
  /** The keys trusted now, by key id (the RFC 7638 thumbprint, as the key set and grants name them). */
  current(): ReadonlyMap<string, KeyObject>;
  /**
   * Says a grant named a key id none of the keys has: the gateway may have rotated its key, so
   * the key set is fetched again, at most once every {@link EARLY_REFRESH_MS}. Resolves when that
   * fetch (or the one under way) is over, at once when the last was too recent or there is no URL.
   */
  refreshForUnknownKey(): Promise<void>;
  stop(): void;
}

/** Options of {@link openGatewayKeys}; at least one source of keys. */
export interface GatewayKeysOptions {
  /** A PEM public key given as text (`GRIDMARK_GATEWAY_PUBLIC_KEY`). */
  readonly pem?: string;
  readonly publicKeyFile?: string;
  /** The gateway's key set, `<gateway>/.well-known/jwks.json`. */
  readonly jwksUrl?: string;
  readonly refreshSeconds?: number;
  readonly fetchTimeoutMs?: number;
  readonly logger?: Logger;
}

/** The soonest a grant under an unknown key id makes the system fetch the key set again. */
export const EARLY_REFRESH_MS = 30_000;

/**
 * The gateway's keys from a PEM (text or file) and from its JWKS URL, which is fetched now and
 * then every `refreshSeconds` (and early when a grant verifies under no key), so that a gateway
 * can rotate its key with an overlap and its systems follow without a restart. A fetch that
 * fails keeps the keys the system has.
 *
 * @throws GridmarkError `BAD_CONFIGURATION` naming the setting when a key cannot be read or the
 *   first fetch of the key set fails.
 */
export async function openGatewayKeys(options: GatewayKeysOptions): Promise<GatewayKeys> {
  const logger = options.logger ?? silentLogger;
  const fixed = new Map<string, KeyObject>();
  if (options.pem !== undefined) addKey(fixed, grantPublicKey(options.pem));
  if (options.publicKeyFile !== undefined) addKey(fixed, readPemFile(options.publicKeyFile));
  let fetched = new Map<string, KeyObject>();
  const url = options.jwksUrl;
  if (url === undefined)
    return {
      current: () => fixed,
      keyFor: (kid) => fixed.get(kid),
      refreshForUnknownKey: () => Promise.resolve(),
      stop() {},
    };

  const timeoutMs = options.fetchTimeoutMs ?? 5_000;
  fetched = await fetchKeySet(url, timeoutMs).catch((cause: unknown) => {
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      `gateway.jwksUrl: cannot read the gateway's keys from ${url}: ${cause instanceof Error ? cause.message : String(cause)}`,
      { details: { setting: 'gateway.jwksUrl' } },
    );
  });
  let merged = new Map([...fixed, ...fetched]);
  // Only fetches asked for by unknown key ids count against their limit; scheduled ones do not.
  let lastEarlyFetch = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<void> | undefined;
  const refresh = (): Promise<void> => {
    if (inFlight) return inFlight;
    inFlight = fetchKeySet(url, timeoutMs)
      .then((keys) => {
        if (!sameKeys(keys, fetched))
          logger.info(`the gateway's key set now holds ${keys.size} keys`);
        fetched = keys;
        merged = new Map([...fixed, ...fetched]);
      })
      .catch((error: unknown) =>
        logger.warn(
          `cannot refresh the gateway's keys, keeping ${fetched.size}: ${error instanceof Error ? error.message : String(error)}`,
        ),
      )
      .finally(() => (inFlight = undefined));
    return inFlight;
  };
  const timer = setInterval(() => void refresh(), (options.refreshSeconds ?? 300) * 1000);
  timer.unref();
  return {
    current: () => merged,
    keyFor: (kid) => merged.get(kid),
    refreshForUnknownKey() {
      if (inFlight) return inFlight;
      if (Date.now() - lastEarlyFetch < EARLY_REFRESH_MS) return Promise.resolve();
      lastEarlyFetch = Date.now();
      return refresh();
    },
    stop: () => clearInterval(timer),
  };
}

function readPemFile(path: string): KeyObject {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new GridmarkError('BAD_CONFIGURATION', `gateway.publicKeyFile: cannot read ${path}.`, {
      cause,
      details: { setting: 'gateway.publicKeyFile' },
    });
  }
  return grantPublicKey(pem);
}

function addKey(keys: Map<string, KeyObject>, key: KeyObject): void {
  keys.set(grantKeyId(key), key);
}

/** Fetches the key set and reads its Ed25519 signing keys; others are left out. */
async function fetchKeySet(url: string, timeoutMs: number): Promise<Map<string, KeyObject>> {
  const response = await fetch(url, {
    signal: AbortSignal.timeout(timeoutMs),
    redirect: 'error',
    headers: { accept: 'application/json' },
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const keys = new Map<string, KeyObject>();
  // The protocol's own reading of a key set, as the gateway publishes it.
  for (const { key } of grantPublicKeysFromJwks(await response.json())) addKey(keys, key);
  return keys;
}

function sameKeys(a: ReadonlyMap<string, KeyObject>, b: ReadonlyMap<string, KeyObject>): boolean {
  return a.size === b.size && [...a.keys()].every((k) => b.has(k));
}
