import { readFile } from 'node:fs/promises';
import { GridmarkError } from '../../schema/index.js';

/** Where a PEM comes from: a file, or the bytes themselves. */
export type PemSource = { readonly path: string } | { readonly pem: string | Uint8Array };

/**
 * How to reach the peer: TLS (the peer's CA certificate; optionally a server name to expect
 * instead of the endpoint's host, and a client certificate and key for mutual TLS), or
 * plaintext, which must be chosen explicitly.
 */
export type FabricTransport =
  | {
      readonly kind: 'tls';
      readonly caCertificate: PemSource;
      readonly serverNameOverride?: string;
      readonly clientCertificate?: PemSource;
      readonly clientKey?: PemSource;
    }
  | { readonly kind: 'plaintext' };

/** Per-call deadlines in milliseconds. */
export interface FabricDeadlines {
  /** Default 5,000. */
  readonly evaluateMs?: number;
  /** Default 15,000. */
  readonly endorseMs?: number;
  /** Default 5,000. */
  readonly submitMs?: number;
  /** Waiting for the commit. Default 60,000. */
  readonly commitStatusMs?: number;
}

/** Configuration of the Fabric ledger client: one readonly object. */
export interface FabricLedgerConfig {
  /** The gateway peer, `host:port`. */
  readonly endpoint: string;
  readonly transport: FabricTransport;
  /** The client identity's organisation, e.g. `Org1MSP`. */
  readonly mspId: string;
  /** The client identity's X.509 certificate (PEM). */
  readonly certificate: PemSource;
  /** The client identity's private key (PEM, PKCS#8 or SEC1). Never logged. */
  readonly privateKey: PemSource;
  readonly channelName: string;
  readonly chaincodeName: string;
  readonly deadlines?: FabricDeadlines;
  /**
   * A file where the event stream records how far it got, so that after a restart `events()`
   * resumes after the last event delivered. Without it the position is kept in memory only.
   */
  readonly checkpointFile?: string;
}

/** Default deadlines, in milliseconds. */
export const DEFAULT_FABRIC_DEADLINES: Required<FabricDeadlines> = {
  evaluateMs: 5_000,
  endorseMs: 15_000,
  submitMs: 5_000,
  commitStatusMs: 60_000,
};

/** The configuration with every PEM loaded and every default applied. */
export interface ResolvedFabricConfig {
  readonly endpoint: string;
  readonly transport:
    | {
        readonly kind: 'tls';
        readonly caCertificate: Buffer;
        readonly serverNameOverride?: string;
        readonly clientCertificate?: Buffer;
        readonly clientKey?: Buffer;
      }
    | { readonly kind: 'plaintext' };
  readonly mspId: string;
  readonly certificate: Buffer;
  readonly privateKey: Buffer;
  readonly channelName: string;
  readonly chaincodeName: string;
  readonly deadlines: Required<FabricDeadlines>;
  readonly checkpointFile?: string;
}

/**
 * Checks the configuration and loads its PEM files.
 *
 * @throws {GridmarkError} `BAD_CONFIGURATION` naming the key that is missing or malformed, or the
 * PEM file that cannot be read (the file's content is never part of the message).
 */
export async function resolveFabricConfig(
  config: FabricLedgerConfig,
): Promise<ResolvedFabricConfig> {
  for (const key of ['endpoint', 'mspId', 'channelName', 'chaincodeName'] as const) {
    if (typeof config[key] !== 'string' || config[key].trim() === '')
      throw badConfig(`fabric.${key} is required`, key);
  }
  if (!/^[^\s:]+:\d{1,5}$/.test(config.endpoint))
    throw badConfig('fabric.endpoint must be host:port', 'endpoint');
  const deadlines = { ...DEFAULT_FABRIC_DEADLINES, ...config.deadlines };
  for (const [key, value] of Object.entries(deadlines)) {
    if (!Number.isFinite(value) || value <= 0)
      throw badConfig(
        `fabric.deadlines.${key} must be a positive number of milliseconds`,
        `deadlines.${key}`,
      );
  }
  const transport = config.transport as FabricTransport | undefined;
  if (transport?.kind !== 'tls' && transport?.kind !== 'plaintext') {
    throw badConfig(
      "fabric.transport must be { kind: 'tls', caCertificate } or, explicitly, { kind: 'plaintext' }",
      'transport',
    );
  }
  if (
    transport.kind === 'tls' &&
    (transport.clientCertificate === undefined) !== (transport.clientKey === undefined)
  ) {
    throw badConfig(
      'fabric.transport needs both clientCertificate and clientKey for mutual TLS, or neither',
      'transport',
    );
  }
  return {
    endpoint: config.endpoint,
    transport:
      transport.kind === 'plaintext'
        ? { kind: 'plaintext' }
        : {
            kind: 'tls',
            caCertificate: await loadPem(
              transport.caCertificate,
              'transport.caCertificate',
              'CERTIFICATE',
            ),
            ...(transport.serverNameOverride === undefined
              ? {}
              : { serverNameOverride: transport.serverNameOverride }),
            ...(transport.clientCertificate === undefined || transport.clientKey === undefined
              ? {}
              : {
                  clientCertificate: await loadPem(
                    transport.clientCertificate,
                    'transport.clientCertificate',
                    'CERTIFICATE',
                  ),
                  clientKey: await loadPem(
                    transport.clientKey,
                    'transport.clientKey',
                    'PRIVATE KEY',
                  ),
                }),
          },
    mspId: config.mspId,
    certificate: await loadPem(config.certificate, 'certificate', 'CERTIFICATE'),
    privateKey: await loadPem(config.privateKey, 'privateKey', 'PRIVATE KEY'),
    channelName: config.channelName,
    chaincodeName: config.chaincodeName,
    deadlines,
    ...(config.checkpointFile === undefined ? {} : { checkpointFile: config.checkpointFile }),
  };
}

async function loadPem(
  source: PemSource | undefined,
  key: string,
  label: 'CERTIFICATE' | 'PRIVATE KEY',
): Promise<Buffer> {
  if (source === undefined || typeof source !== 'object')
    throw badConfig(`fabric.${key} is required ({ path } or { pem })`, key);
  let bytes: Buffer;
  if ('path' in source) {
    try {
      bytes = await readFile(source.path);
    } catch (error) {
      throw badConfig(`fabric.${key}: cannot read ${source.path}`, key, error);
    }
  } else {
    bytes = typeof source.pem === 'string' ? Buffer.from(source.pem) : Buffer.from(source.pem);
  }
  // Any "-----BEGIN ... CERTIFICATE-----" or "... PRIVATE KEY-----" (PKCS#8, EC, RSA) block.
  if (!new RegExp(`-----BEGIN [A-Z ]*${label}-----`).test(bytes.toString('latin1'))) {
    throw badConfig(`fabric.${key} is not a PEM ${label.toLowerCase()}`, key);
  }
  return bytes;
}

function badConfig(message: string, key: string, cause?: unknown): GridmarkError {
  return new GridmarkError('BAD_CONFIGURATION', message, {
    details: { key: `fabric.${key}` },
    cause,
  });
}
