import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { GridmarkError, isLooserThanOwnerOnly } from '../../../schema/index.js';
import type { ConformanceReport, RegistryReader } from '../../../subgraphs/index.js';
import {
  REGISTRY_OPTIONS,
  onePositional,
  parseCommandArgs,
  resolveRegistryUrl,
} from '../cli-options.js';
import type { CliCommand, CliIo } from '../command.js';
import { printJson } from './registry-command-parts.js';

const OPTIONS = {
  ...REGISTRY_OPTIONS,
  'grant-key-file': { type: 'string' },
  audience: { type: 'string' },
  'system-code': { type: 'string' },
  device: { type: 'string', multiple: true },
  'unregistered-url': { type: 'boolean', default: false },
  'timeout-ms': { type: 'string', default: '10000' },
  json: { type: 'boolean', default: false },
} as const;

type Values = ReturnType<typeof parseCommandArgs<typeof OPTIONS>>['values'];

const USAGE = [
  'gridmark system check <subgraph url> [--config <gateway config> | --grant-key-file <file>]',
  '    [--system-code <code>] [--audience <subgraph name>] [--device <identifier>]...',
  '    [--registry URL] [--key-file <system API key file>] [--unregistered-url] [--timeout-ms 10000]',
  '    [--json]',
  '  Runs the protocol checks of docs/protocol.md against a running business system and prints',
  '  each with PASS, FAIL, SKIP (could not run here) or N/A (an optional part the system does not',
  '  announce) and a reason; exits 0 only when every check passed or was N/A, else NOT_CONFORMANT (8).',
  '  --config          the gateway configuration (default GRIDMARK_CONFIG): its grant key signs the',
  '                    grants the checks send, and its listen address gives the registry',
  '  --grant-key-file  instead: the grant key file (gridmark-grant-keys/1) or an Ed25519 private',
  '                    key in PEM (PKCS#8), mode 0600',
  "  --system-code     the system in the registry: its subgraph name (the grants' aud), its fields",
  '                    and, with its --key-file, its devices',
  '  --audience        the subgraph name, when the registry is not asked',
  '  --device          a device the system holds (repeat for more; two or more check more)',
  '  --registry        the registry API (else GRIDMARK_REGISTRY, else the configuration); without',
  '                    one, the check of proofs against the ledger is skipped (and the run fails)',
  '  --unregistered-url  check a URL other than the one registered for --system-code; the grants',
  '                    the checks send are valid for that system for 30 s, so by default they go',
  '                    only to its registered URL',
].join('\n');

/** The gateway's signing key: from `--grant-key-file`, else the gateway configuration. */
async function signingKeyOf(values: Values): Promise<KeyObject> {
  const gateway = await import('../../../gateway/index.js');
  const file = values['grant-key-file'];
  if (file !== undefined) {
    const text = readKeyFile(file);
    if (text.trimStart().startsWith('{')) return gateway.readGrantKeyFile(file).signing.privateKey;
    try {
      return createPrivateKey(text);
    } catch (cause) {
      throw new GridmarkError('BAD_CONFIGURATION', `${file} holds no PEM private key.`, { cause });
    }
  }
  const config = values.config ?? process.env['GRIDMARK_CONFIG'];
  if (config === undefined || config === '')
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      "the checks sign grants with the gateway's key: give --config <gateway config> (or GRIDMARK_CONFIG) or --grant-key-file <file>.",
    );
  const loaded = gateway.loadGatewayConfig(config);
  const paths = gateway.resolveConfigPaths(loaded.config, loaded.baseDirectory);
  return gateway.readGrantKeyFile(paths.grantKeyFile).signing.privateKey;
}

function readKeyFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new GridmarkError('BAD_CONFIGURATION', `cannot read the grant key file ${file}.`, {
      cause,
    });
  }
  if (isLooserThanOwnerOnly(file))
    throw new GridmarkError(
      'KEY_FILE_EXPOSED',
      `The grant key file ${file} may be read or written by other users; make it mode 0600 (chmod 600).`,
      { details: { file } },
    );
  return text;
}

/** The registry, when a URL is given or configured; none otherwise. */
async function registryOf(values: Values): Promise<RegistryReader | undefined> {
  let url: string;
  try {
    url = await resolveRegistryUrl(values);
  } catch (error) {
    if (error instanceof GridmarkError && error.code === 'REGISTRY_NOT_SET') return undefined;
    throw error;
  }
  const { createRegistryReader } = await import('../../../subgraphs/index.js');
  const apiKey = systemKeyOf(values);
  return createRegistryReader({ url, ...(apiKey === undefined ? {} : { apiKey }) });
}

function systemKeyOf(values: Values): string | undefined {
  const file = values['key-file'];
  if (file === undefined) return process.env['GRIDMARK_API_KEY'] || undefined;
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (cause) {
    throw new GridmarkError('BAD_CONFIGURATION', `cannot read the key file ${file}.`, { cause });
  }
}

function timeoutOf(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 100 || Number(text) > 600_000)
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      `--timeout-ms must be 100 to 600000, not "${text}".`,
    );
  return Number(text);
}

function printReport(io: CliIo, report: ConformanceReport): void {
  io.out(
    `system ${report.url} (aud ${report.audience}), devices ${report.devices.slice(0, 3).join(', ')}${report.devices.length > 3 ? ', ...' : ''}\n\n`,
  );
  const width = Math.max(5, ...report.results.map((r) => r.name.length));
  io.out(`${'CHECK'.padEnd(width)}  STATUS  REASON\n`);
  for (const r of report.results)
    io.out(`${r.name.padEnd(width)}  ${r.status.padEnd(6)}  ${oneLine(r.reason)}\n`);
}

/** A reason on one line, whatever a system made it hold. */
function oneLine(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '?');
}

function summary(report: ConformanceReport): string {
  const count = (status: string) => report.results.filter((r) => r.status === status).length;
  return `${report.results.length} checks: ${count('PASS')} passed, ${count('FAIL')} failed, ${count('SKIP')} skipped, ${count('N/A')} not applicable`;
}

async function check(args: readonly string[], io: CliIo): Promise<void> {
  const { values, positionals } = parseCommandArgs(args, OPTIONS);
  const url = onePositional(positionals, 'subgraph URL');
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol))
    throw new GridmarkError('BAD_CONFIGURATION', `${url} is not an http or https URL.`);
  const timeoutMs = timeoutOf(values['timeout-ms']);
  const privateKey = await signingKeyOf(values);
  const registry = await registryOf(values);
  const conformance = await import('../../../subgraphs/index.js');
  const { checkSubgraphSchema } = await import('../../../gateway/index.js');
  const report = await conformance.checkBusinessSystem({
    url,
    signingKey: conformance.grantSigningKey(privateKey),
    schemaRules: checkSubgraphSchema,
    timeoutMs,
    unregisteredUrl: values['unregistered-url'],
    ...(values.audience ? { audience: values.audience } : {}),
    ...(values['system-code'] ? { systemCode: values['system-code'] } : {}),
    ...(values.device ? { devices: values.device } : {}),
    ...(registry ? { registry } : {}),
  });
  if (values.json) printJson(io, report);
  else {
    printReport(io, report);
    io.out(`\n${summary(report)}\n`);
  }
  const named = (status: string) =>
    report.results.filter((r) => r.status === status).map((r) => r.name);
  const [failed, skipped] = [named('FAIL'), named('SKIP')];
  if (failed.length > 0 || skipped.length > 0)
    throw new GridmarkError(
      'NOT_CONFORMANT',
      [
        failed.length > 0 ? `${failed.length} check(s) failed: ${failed.join(', ')}.` : '',
        skipped.length > 0
          ? `${skipped.length} check(s) could not run, so conformance is not shown: ${skipped.join(', ')}.`
          : '',
      ]
        .filter(Boolean)
        .join(' '),
    );
}

const systemCheck: CliCommand = {
  path: ['system', 'check'],
  summary:
    'check a running business system against the protocol: its schema, _entities, every grant it must refuse, its proofs against the ledger',
  usage: USAGE,
  run: check,
};

/** `gridmark system check`: the protocol's conformance checks against a running system. */
export const commands: readonly CliCommand[] = [systemCheck];
