import { readFileSync } from 'node:fs';
import type {
  LedgerEvidenceReader,
  ResponseRecheck,
  OperationRequest,
} from '../../../gateway/index.js';
import { createLedger, type Anchor, type Resolution } from '../../../ledger-adapter/index.js';
import { GridmarkError, type GraphqlClient } from '../../../schema/index.js';
import {
  REGISTRY_OPTIONS,
  onePositional,
  parseCommandArgs,
  registryClient,
} from '../cli-options.js';
import type { CliCommand, CliIo } from '../command.js';

/** The most anchors the registry API's `ledgerAnchors` answers per call; larger receipts are read in batches. */
const ANCHORS_PER_REGISTRY_CALL = 1_000;

const verify: CliCommand = {
  path: ['verify'],
  summary:
    'prove a saved gateway response against the ledger: its resolution, every verified value, and every value its data holds',
  usage:
    'gridmark verify <response.json> [--query <file>] [--registry URL | --ledger <embedded ledger file, when no one has it open>]\n' +
    '  Reads the ledger through the registry API by default. --query: the request sent (GraphQL text, or the JSON body with query,\n' +
    '  variables, operationName); needed when the query used aliases. Exit 0 when everything proves out, 8 otherwise.',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      ...REGISTRY_OPTIONS,
      ledger: { type: 'string' },
      query: { type: 'string' },
    });
    const file = onePositional(positionals, 'response file');
    const response = readJson(file, 'a saved JSON response');
    const request = values.query === undefined ? undefined : readRequest(values.query);
    const ledger =
      values.ledger === undefined
        ? {
            ...registryReader(registryClient(values, { needsKey: false })),
            close: () => Promise.resolve(),
          }
        : await createLedger({ kind: 'embedded', path: values.ledger });
    try {
      // The gateway is loaded only by the commands that need it: every other command starts light.
      const { recheckResponse } = await import('../../../gateway/index.js');
      const report = await recheckResponse(response, ledger, request ? { request } : {});
      printReport(report, io);
      if (!report.ok)
        throw new GridmarkError(
          'TAMPERED',
          `the response does not prove out against the ledger (${summary(report)}).`,
        );
    } finally {
      await ledger.close();
    }
  },
};

function printReport(report: ResponseRecheck, io: CliIo): void {
  io.out(
    `resolution ${report.resolutionId ?? '(none)'}: ${report.resolutionRecorded ? 'recorded on the ledger' : 'NOT on the ledger'}\n`,
  );
  for (const f of report.fields)
    io.out(
      `${f.outcome.padEnd(14)} ${f.device} ${f.field}${f.anchorTxId ? `  anchor ${f.anchorTxId}` : ''}\n`,
    );
  for (const f of report.data.findings)
    io.out(
      `${f.outcome.padEnd(14)} ${f.device ?? '(device unknown)'} ${f.field ?? '-'}  data.${f.path}: ${f.reason}\n`,
    );
  io.out(
    `${report.fields.filter((f) => f.outcome === 'PROVEN' || f.outcome === 'SUPERSEDED').length} values proven; ${report.data.matched} values in data match their receipt\n`,
  );
}

function summary(report: ResponseRecheck): string {
  const unproven = report.fields.filter(
    (f) => f.outcome === 'MISMATCH' || f.outcome === 'MISSING',
  ).length;
  const count = (outcome: string) =>
    report.data.findings.filter((f) => f.outcome === outcome).length;
  return [
    `${unproven} receipt values not proven`,
    `${count('ALTERED')} values in data altered`,
    `${count('NOT_IN_RECEIPT')} not in the receipt`,
    `${count('UNCHECKED')} unchecked`,
    `resolution ${report.resolutionRecorded ? 'recorded' : 'missing'}`,
  ].join(', ');
}

function readJson(file: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new GridmarkError('BAD_INPUT', `${file} is not ${what}.`, { cause });
  }
}

/** The request as the application sent it: a JSON body (`query`, `variables`, `operationName`) or the bare query text. */
function readRequest(file: string): OperationRequest {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new GridmarkError('BAD_CONFIGURATION', `cannot read the query file ${file}.`, { cause });
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: the query text itself.
    return { query: text };
  }
  const { query, variables, operationName } = (body ?? {}) as {
    query?: unknown;
    variables?: unknown;
    operationName?: unknown;
  };
  if (typeof query !== 'string')
    throw new GridmarkError(
      'BAD_INPUT',
      `${file}: a JSON request body holds the query as "query".`,
    );
  return {
    query,
    ...(variables !== null && typeof variables === 'object'
      ? { variables: variables as Record<string, unknown> }
      : {}),
    ...(typeof operationName === 'string' ? { operationName } : {}),
  };
}

/** Ledger reads through the registry API, in batches the API accepts. */
function registryReader(client: GraphqlClient): LedgerEvidenceReader {
  return {
    async getAnchors(keys) {
      const anchors: (Anchor | null)[] = [];
      for (let i = 0; i < keys.length; i += ANCHORS_PER_REGISTRY_CALL) {
        const batch = keys
          .slice(i, i + ANCHORS_PER_REGISTRY_CALL)
          .map(([deviceId, fieldCode]) => ({ deviceId, fieldCode }));
        const { ledgerAnchors } = await client.request<{ ledgerAnchors: (Anchor | null)[] }>(
          'query ($keys: [AnchorKeyInput!]!) { ledgerAnchors(keys: $keys) { deviceId fieldCode systemCode commitment anchoredAt txId version } }',
          { keys: batch },
        );
        anchors.push(...ledgerAnchors);
      }
      return anchors;
    },
    async getResolution(id) {
      const { ledgerResolution } = await client.request<{ ledgerResolution: Resolution | null }>(
        'query ($id: ID!) { ledgerResolution(id: $id) { resolutionId applicationId function role resolvedAt totalFeeFen } }',
        { id },
      );
      return ledgerResolution;
    },
  };
}

/** Re-checking what an application received. */
export const commands: readonly CliCommand[] = [verify];
