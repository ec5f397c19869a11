import { randomBytes } from 'node:crypto';
import { GridmarkError, parseIdentifier } from '../../schema/index.js';
import type { CheckContext } from './check-context.js';
import { fail, skip, type CheckResult, type ConformanceReport } from './conformance-report.js';
import { deviceCoverageCheck, fieldCoverageCheck } from './coverage-checks.js';
import { entitiesOrderCheck, unknownDeviceCheck } from './entity-checks.js';
import { GrantMinter, type GrantSigningKey } from './grant-minter.js';
import { proofsCheck } from './proof-checks.js';
import { protocolCheck, unsupportedVersionCheck } from './protocol-checks.js';
import { replayCheck, WHOLE_REFUSAL_CHECKS, type NamedCheck } from './refusal-checks.js';
import type { RegistryReader } from './registry-reader.js';
import { sealedGrantChecks } from './sealed-checks.js';
import { schemaRulesCheck, serviceCheck, type SchemaRules } from './service-checks.js';
import { SystemClient } from './system-client.js';

/** What {@link checkBusinessSystem} needs. */
export interface ConformanceOptions {
  /** The system's subgraph URL. */
  readonly url: string;
  /** The gateway key the system trusts: the checks mint grants with it. */
  readonly signingKey: GrantSigningKey;
  /** The system's subgraph name (`aud`); read from the registry by `systemCode` when absent. */
  readonly audience?: string;
  /** The system's code in the registry. */
  readonly systemCode?: string;
  /** Devices the system holds; read from the registry (`systemIdentifiers`) when absent. */
  readonly devices?: readonly string[];
  /** The registry API: anchors, fields, and (with the system's key) its identifiers. */
  readonly registry?: RegistryReader;
  /** The gateway's schema rules; without them `schema-rules` is skipped. */
  readonly schemaRules?: SchemaRules;
  /**
   * Check a URL other than the one the registry holds for `systemCode`. The checks send valid
   * grants for the system's devices, which the real system would accept for 30 s: by default they
   * are sent only to the registered URL.
   */
  readonly unregisteredUrl?: boolean;
  /** Deadline of each request to the system, ms. Default 10 s. */
  readonly timeoutMs?: number;
  readonly now?: () => number;
}

/** The names of every check, in the order they run. */
export const CHECK_NAMES: readonly string[] = [
  'service-sdl',
  'schema-rules',
  'entities-in-order',
  'entities-unknown-null',
  'grant-missing',
  'grant-malformed',
  'grant-alg-none',
  'grant-wrong-typ',
  'grant-expiry-in-milliseconds',
  'grant-unknown-key',
  'grant-forged',
  'grant-wrong-system',
  'grant-expired',
  'grant-not-yet-valid',
  'grant-replayed',
  'grant-device-not-granted',
  'grant-field-not-granted',
  'proofs-match-anchors',
  'protocol-unsupported-version',
  'sealed-grant-accepted',
  'sealed-grant-stale-key',
  'protocol-announced',
];

/** Devices read from the registry when none are given. */
const REGISTRY_DEVICES = 20;

/**
 * Runs every protocol check (docs/protocol.md) against a running business system, one after the
 * other, and reports each as PASS, FAIL or SKIP with a one-line reason. A system that stops
 * answering fails the check that was asking; one whose `_service` fails leaves the rest skipped.
 *
 * @throws GridmarkError `BAD_CONFIGURATION` when neither options nor the registry give the
 *   audience or a device; the registry's own errors when it cannot be read for them.
 */
export async function checkBusinessSystem(options: ConformanceOptions): Promise<ConformanceReport> {
  const audience = await audienceOf(options);
  const devices = await devicesOf(options);
  const now = options.now ?? Date.now;
  const client = new SystemClient(options.url, options.timeoutMs ?? 10_000);
  const results: CheckResult[] = [];
  const report = (): ConformanceReport => ({
    url: options.url,
    audience,
    devices,
    results,
    conformant: results.every((r) => r.status === 'PASS' || r.status === 'N/A'),
  });
  const service = await guarded('service-sdl', () => serviceCheck(client));
  results.push('result' in service ? service.result : service);
  if (!('result' in service) || !service.served) {
    for (const name of CHECK_NAMES.slice(1)) results.push(skip(name, 'no SDL to check against'));
    return report();
  }
  const context: CheckContext = {
    client,
    minter: new GrantMinter(options.signingKey, audience, now),
    signingKey: options.signingKey,
    audience,
    devices,
    unknownDevice: unknownDeviceLike(devices[0] ?? ''),
    schema: service.served.schema,
    now,
    ...(options.registry ? { registry: options.registry } : {}),
    ...(options.systemCode ? { systemCode: options.systemCode } : {}),
  };
  const sdl = service.served.sdl;
  results.push(
    await guarded('schema-rules', () =>
      schemaRulesCheck({
        sdl,
        audience,
        ...(options.schemaRules ? { rules: options.schemaRules } : {}),
        ...(options.registry ? { registry: options.registry } : {}),
        ...(options.systemCode ? { systemCode: options.systemCode } : {}),
      }),
    ),
  );
  // One at a time, each on its own: a system that fails one still gets the others.
  for (const [name, check] of SYSTEM_CHECKS)
    results.push(await guarded(name, () => check(context)));
  const sealed = await guarded('sealed-grant-accepted', () => sealedGrantChecks(context));
  results.push(
    ...(Array.isArray(sealed) ? sealed : [sealed, skip('sealed-grant-stale-key', 'not run')]),
  );
  results.push(protocolCheck(client.answers));
  return report();
}

/** The checks that talk to the system with grants, in order. */
const SYSTEM_CHECKS: readonly NamedCheck[] = [
  ['entities-in-order', entitiesOrderCheck],
  ['entities-unknown-null', unknownDeviceCheck],
  ...WHOLE_REFUSAL_CHECKS,
  ['grant-replayed', replayCheck],
  ['grant-device-not-granted', deviceCoverageCheck],
  ['grant-field-not-granted', fieldCoverageCheck],
  ['proofs-match-anchors', proofsCheck],
  ['protocol-unsupported-version', unsupportedVersionCheck],
];

/** Runs a check; a failure to talk to the system or the registry fails the check that was asking. */
async function guarded<T>(name: string, run: () => Promise<T>): Promise<T | CheckResult> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof GridmarkError) return fail(name, `${error.code}: ${error.message}`);
    throw error;
  }
}

/**
 * The subgraph name grants are minted for: given, or the registry's for `systemCode`, whose
 * registered URL must then be the one checked (the caller must be allowed to see it), unless
 * `unregisteredUrl` says otherwise.
 */
async function audienceOf(options: ConformanceOptions): Promise<string> {
  if (!options.systemCode || !options.registry) {
    if (options.audience) return options.audience;
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      "The checks need the system's subgraph name: give --audience, or --system-code with the registry.",
    );
  }
  const system = await options.registry.system(options.systemCode);
  if (!system)
    throw new GridmarkError('NOT_FOUND', `The registry knows no system ${options.systemCode}.`);
  if (system.url === null && !options.unregisteredUrl)
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      `The registry does not show this caller the URL registered for ${options.systemCode}, so the checks cannot tell whether ${options.url} is that system: give the system's key (--key-file), or pass --unregistered-url to send it grants anyway.`,
    );
  if (system.url !== null && !sameUrl(system.url, options.url) && !options.unregisteredUrl)
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      `${options.url} is not the URL registered for ${options.systemCode} (${system.url}): the checks send it grants that ${system.subgraphName} accepts. Check the registered URL, or pass --unregistered-url to send them there anyway.`,
    );
  if (options.audience && options.audience !== system.subgraphName)
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      `--audience ${options.audience} is not the subgraph name registered for ${options.systemCode} (${system.subgraphName}).`,
    );
  return system.subgraphName;
}

function sameUrl(a: string, b: string): boolean {
  return URL.canParse(a) && URL.canParse(b) && new URL(a).href === new URL(b).href;
}

async function devicesOf(options: ConformanceOptions): Promise<readonly string[]> {
  if (options.devices && options.devices.length > 0) {
    for (const id of options.devices) parseIdentifier(id);
    return options.devices;
  }
  if (options.systemCode && options.registry) {
    const held = await options.registry.identifiers(options.systemCode, REGISTRY_DEVICES);
    if (held.length > 0) return held;
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      `The registry lists no active device of ${options.systemCode}: register devices, or give --device.`,
    );
  }
  throw new GridmarkError(
    'BAD_CONFIGURATION',
    "The checks need devices the system holds: give --device, or --system-code with the system's --key-file.",
  );
}

/** A well-formed identifier under the same prefix that no one holds. */
function unknownDeviceLike(device: string): string {
  const prefix = device.includes('/') ? device.slice(0, device.indexOf('/')) : '88.0';
  return `${prefix}/CONFORMANCE-${randomBytes(6).toString('hex').toUpperCase()}`;
}
