import { resolve } from 'node:path';
import type { LedgerConfig } from '../../ledger-adapter/index.js';
import type { GatewayConfig } from './config-schema.js';

/** Every file and directory a configuration names, as absolute paths. */
export interface GatewayPaths {
  readonly dataDirectory: string;
  readonly registry: string;
  readonly billing: string;
  readonly outbox: string;
  /** The embedded ledger's file (unused with Fabric). */
  readonly ledger: string;
  /** The embedded ledger's node key, in the keys directory unless configured. */
  readonly nodeKey: string;
  readonly keysDirectory: string;
  readonly grantKeyFile: string;
  readonly tls?: { readonly cert: string; readonly key: string };
}

/** The node key's file name in the keys directory, unless `ledger.nodeKey` names another. */
export const NODE_KEY_FILE = 'ledger-node-key.pem';

/**
 * The configuration's paths made absolute: `data.directory` and `keys.directory` against
 * `baseDirectory` (the configuration file's directory), the stores against the data directory,
 * the key files against the keys directory.
 */
export function resolveConfigPaths(config: GatewayConfig, baseDirectory: string): GatewayPaths {
  const dataDirectory = resolve(baseDirectory, config.data.directory);
  const keysDirectory = resolve(baseDirectory, config.keys.directory);
  const { cert, key } = config.tls;
  return {
    dataDirectory,
    registry: resolve(dataDirectory, config.data.registry),
    billing: resolve(dataDirectory, config.data.billing),
    outbox: resolve(dataDirectory, config.data.outbox),
    ledger: resolve(dataDirectory, config.ledger.path),
    nodeKey:
      config.ledger.nodeKey === undefined
        ? resolve(keysDirectory, NODE_KEY_FILE)
        : resolve(baseDirectory, config.ledger.nodeKey),
    keysDirectory,
    grantKeyFile: resolve(keysDirectory, config.keys.grantKeyFile),
    ...(cert !== undefined && key !== undefined
      ? { tls: { cert: resolve(baseDirectory, cert), key: resolve(baseDirectory, key) } }
      : {}),
  };
}

/** The ledger the configuration names, for `createLedger`, with its files' paths absolute. */
export function ledgerConfigOf(
  config: GatewayConfig,
  paths: GatewayPaths,
  baseDirectory: string,
): LedgerConfig {
  if (config.ledger.kind === 'embedded')
    return { kind: 'embedded', path: paths.ledger, nodeKeyPath: paths.nodeKey };
  const fabric = config.ledger.fabric;
  const file = (path: string | undefined) => ({ path: resolve(baseDirectory, path ?? '') });
  return {
    kind: 'fabric',
    endpoint: fabric.endpoint ?? '',
    mspId: fabric.mspId ?? '',
    certificate: file(fabric.certificate),
    privateKey: file(fabric.privateKey),
    channelName: fabric.channelName ?? '',
    chaincodeName: fabric.chaincodeName ?? '',
    transport:
      fabric.transport === 'plaintext'
        ? { kind: 'plaintext' }
        : {
            kind: 'tls',
            caCertificate: file(fabric.caCertificate),
            ...(fabric.serverNameOverride === undefined
              ? {}
              : { serverNameOverride: fabric.serverNameOverride }),
            ...(fabric.clientCertificate === undefined
              ? {}
              : { clientCertificate: file(fabric.clientCertificate) }),
            ...(fabric.clientKey === undefined ? {} : { clientKey: file(fabric.clientKey) }),
          },
    deadlines: {
      evaluateMs: fabric.evaluateMs,
      endorseMs: fabric.endorseMs,
      submitMs: fabric.submitMs,
      commitStatusMs: fabric.commitStatusMs,
    },
    ...(fabric.checkpointFile === undefined
      ? {}
      : { checkpointFile: resolve(baseDirectory, fabric.checkpointFile) }),
  };
}
