import { readFileSync } from 'node:fs';
import { recheckResponse, type LedgerEvidenceReader } from '../../../gateway/access/received-response-check.js';
import { createLedger } from '../../../ledger-adapter/index.js';
import type { Anchor, Resolution } from '../../../ledger-adapter/contract/records.js';
import { GridmarkError, type GraphqlClient } from '../../../schema/index.js';
import { REGISTRY_OPTIONS, onePositional, parseCommandArgs, registryClient } from '../cli-options.js';
import type { CliCommand } from '../command.js';

const verify: CliCommand = {
  path: ['verify'],
  summary: 'prove a saved gateway response against the ledger: its resolution and every verified value',
  usage: 'gridmark verify <response.json> [--registry URL | --ledger <embedded ledger file, when no one has it open>]\n  Reads the ledger through the registry API by default. Exit 0 when every verified value is proven, 8 otherwise.',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { ...REGISTRY_OPTIONS, ledger: { type: 'string' } });
    const file = onePositional(positionals, 'response file');
    let response: unknown;
    try {
      response = JSON.parse(readFileSync(file, 'utf8'));
    } catch (cause) {
      throw new GridmarkError('BAD_INPUT', `${file} is not a saved JSON response.`, { cause });
    }
    const ledger = values.ledger === undefined ? { ...registryReader(registryClient(values, { needsKey: false })), close: () => Promise.resolve() } : await createLedger({ kind: 'embedded', path: values.ledger });
    try {
      const report = await recheckResponse(response, ledger);
      io.out(`resolution ${report.resolutionId ?? '(none)'}: ${report.resolutionRecorded ? 'recorded on the ledger' : 'NOT on the ledger'}\n`);
      for (const f of report.fields) io.out(`${f.outcome.padEnd(10)} ${f.device} ${f.field}${f.anchorTxId ? `  anchor ${f.anchorTxId}` : ''}\n`);
      if (!report.ok) throw new GridmarkError('TAMPERED', `the response does not prove out against the ledger (${report.fields.filter((f) => f.outcome === 'MISMATCH' || f.outcome === 'MISSING').length} fields, resolution ${report.resolutionRecorded ? 'recorded' : 'missing'}).`);
      io.out(`${report.fields.length} values proven\n`);
    } finally {
      await ledger.close();
    }
  },
};

/** Ledger reads through the registry API. */
function registryReader(client: GraphqlClient): LedgerEvidenceReader {
  return {
    async getAnchors(keys) {
      const { ledgerAnchors } = await client.request<{ ledgerAnchors: (Anchor | null)[] }>('query ($keys: [AnchorKeyInput!]!) { ledgerAnchors(keys: $keys) { deviceId fieldCode systemCode commitment anchoredAt txId version } }', { keys: keys.map(([deviceId, fieldCode]) => ({ deviceId, fieldCode })) });
      return ledgerAnchors;
    },
    async getResolution(id) {
      const { ledgerResolution } = await client.request<{ ledgerResolution: Resolution | null }>('query ($id: ID!) { ledgerResolution(id: $id) { resolutionId applicationId function role resolvedAt totalFeeFen } }', { id });
      return ledgerResolution;
    },
  };
}

/** Re-checking what an application received. */
export const commands: readonly CliCommand[] = [verify];
