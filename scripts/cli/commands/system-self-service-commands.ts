import { GridmarkError } from '../../../schema/index.js';
import {
  REGISTRY_OPTIONS,
  onePositional,
  parseCommandArgs,
  registryClient,
} from '../cli-options.js';
import type { CliCommand, CliIo } from '../command.js';
import { printJson } from './registry-command-parts.js';

interface IdentifierRow {
  readonly identifier: string;
  readonly localCode: string;
  readonly kind: string;
  readonly status: string;
  readonly issuerCode: string;
  readonly heldSince: string;
}

interface FieldRow {
  readonly fieldCode: string;
  readonly name: string;
  readonly changePolicy: string;
  readonly anchored: number;
  readonly unanchored: number;
  readonly latestAnchoredAt: string | null;
  readonly latestTxId: string | null;
}

interface Finding {
  readonly at: string;
  readonly code: string;
  readonly deviceId: string | null;
  readonly fieldCodes: readonly string[];
  readonly resolutionId: string | null;
  readonly reason: string;
}

interface Anchoring {
  readonly systemCode: string;
  readonly ledger: boolean;
  readonly devicesChecked: number;
  readonly truncated: boolean;
  readonly fields: readonly FieldRow[];
  readonly pending: {
    readonly fieldUpdates: number;
    readonly catalogEntries: number;
    readonly oldestSince: string | null;
  };
  readonly findings: readonly Finding[];
}

/** Writes rows as a table: a header, columns padded to their widest cell. */
function printTable(io: CliIo, header: readonly string[], rows: readonly (readonly string[])[]) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  for (const row of [header, ...rows])
    io.out(
      `${row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd()}\n`,
    );
}

/** A positive integer option, or BAD_INPUT naming it. */
function limitOption(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 1_000)
    throw new GridmarkError(
      'BAD_INPUT',
      `--limit must be an integer from 1 to 1000, not "${value}".`,
      {
        details: { field: 'limit' },
      },
    );
  return Number(value);
}

const systemIdentifiers: CliCommand = {
  path: ['system', 'identifiers'],
  summary:
    "the identifiers a system holds, with its local codes and kinds, a page at a time (the system's own key, its enterprise's operator or an admin)",
  usage:
    'gridmark system identifiers <system code> [--after <cursor>] [--limit N] [--json] [--registry URL] [--key-file F]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      ...REGISTRY_OPTIONS,
      after: { type: 'string' },
      limit: { type: 'string', default: '100' },
      json: { type: 'boolean', default: false },
    });
    const code = onePositional(positionals, 'system code');
    const { systemIdentifiers: page } = await registryClient(values, { needsKey: true }).request<{
      systemIdentifiers: { items: IdentifierRow[]; nextCursor: string | null };
    }>(
      'query ($code: ID!, $after: String, $limit: Int) { systemIdentifiers(code: $code, after: $after, limit: $limit) { items { identifier localCode kind status issuerCode heldSince } nextCursor } }',
      { code, after: values.after ?? null, limit: limitOption(values.limit) },
    );
    if (values.json) return printJson(io, page);
    if (page.items.length === 0) io.out(`no identifiers held by ${code} after this point\n`);
    else
      printTable(
        io,
        ['IDENTIFIER', 'LOCAL CODE', 'KIND', 'STATUS', 'ISSUER', 'HELD SINCE'],
        page.items.map((i) => [
          i.identifier,
          i.localCode,
          i.kind,
          i.status,
          i.issuerCode,
          i.heldSince,
        ]),
      );
    if (page.nextCursor !== null)
      io.out(`more: gridmark system identifiers ${code} --after ${page.nextCursor}\n`);
  },
};

function printAnchoring(io: CliIo, state: Anchoring): void {
  io.out(
    `system ${state.systemCode}: ${state.devicesChecked} device(s) checked${state.truncated ? ' (the first 2,000; more are held)' : ''}\n\n`,
  );
  if (!state.ledger) io.out('anchored: this registry has no ledger\n');
  else if (state.fields.length === 0) io.out('anchored: the system has no registered fields\n');
  else
    printTable(
      io,
      ['FIELD', 'NAME', 'POLICY', 'ANCHORED', 'UNANCHORED', 'LATEST ANCHOR', 'LEDGER TX'],
      state.fields.map((f) => [
        f.fieldCode,
        f.name,
        f.changePolicy,
        String(f.anchored),
        String(f.unanchored),
        f.latestAnchoredAt ?? '-',
        f.latestTxId ?? '-',
      ]),
    );
  const { pending } = state;
  io.out(
    `\npending (registry evidence not yet on the ledger): ${pending.fieldUpdates} field update(s), ${pending.catalogEntries} catalog entr${pending.catalogEntries === 1 ? 'y' : 'ies'}${pending.oldestSince ? `, oldest since ${pending.oldestSince}` : ''}\n\n`,
  );
  if (state.findings.length === 0) return io.out('failed verification: none recorded\n');
  io.out('failed verification (newest first):\n');
  printTable(
    io,
    ['AT', 'CODE', 'DEVICE', 'FIELDS', 'REASON'],
    state.findings.map((f) => [f.at, f.code, f.deviceId ?? '-', f.fieldCodes.join(','), f.reason]),
  );
}

const systemAnchoring: CliCommand = {
  path: ['system', 'anchoring'],
  summary:
    "a system's anchoring state: what is anchored per field, what waits for the ledger, what failed verification and why",
  usage: 'gridmark system anchoring <system code> [--json] [--registry URL] [--key-file F]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      ...REGISTRY_OPTIONS,
      json: { type: 'boolean', default: false },
    });
    const code = onePositional(positionals, 'system code');
    const { systemAnchoring: state } = await registryClient(values, { needsKey: true }).request<{
      systemAnchoring: Anchoring;
    }>(
      'query ($code: ID!) { systemAnchoring(code: $code) { systemCode ledger devicesChecked truncated fields { fieldCode name changePolicy anchored unanchored latestAnchoredAt latestTxId latestDeviceId } pending { fieldUpdates catalogEntries oldestSince } findings { seq at code deviceId fieldCodes resolutionId reason } } }',
      { code },
    );
    if (values.json) return printJson(io, state);
    printAnchoring(io, state);
  },
};

/** A business system's self-service: its own identifiers and anchoring state. */
export const commands: readonly CliCommand[] = [systemIdentifiers, systemAnchoring];
