import {
  REGISTRY_OPTIONS,
  onePositional,
  parseCommandArgs,
  registryClient,
  required,
} from '../cli-options.js';
import type { CliCommand } from '../command.js';
import { printJson, statusCommand } from './registry-command-parts.js';

const IDENTIFIER_FIELDS =
  'identifier issuerCode kind status audit { status by at note } holdings { systemCode localCode }';

const idAudit: CliCommand = {
  path: ['id', 'audit'],
  summary: 'record whether the device behind an identifier was confirmed to exist (auditors)',
  usage:
    'gridmark id audit <identifier> --result CONFIRMED|NOT_FOUND [--note <text>] [--registry URL] [--key-file F]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      ...REGISTRY_OPTIONS,
      result: { type: 'string' },
      note: { type: 'string' },
    });
    const id = onePositional(positionals, 'identifier');
    const { auditIdentifier } = await registryClient(values, { needsKey: true }).request<{
      auditIdentifier: unknown;
    }>(
      `mutation ($id: ID!, $result: AuditResult!, $note: String) { auditIdentifier(id: $id, result: $result, note: $note) { ${IDENTIFIER_FIELDS} } }`,
      { id, result: required(values.result, 'result'), note: values.note ?? null },
    );
    printJson(io, auditIdentifier);
  },
};

/** The status of identifiers and auditors' findings on the devices behind them. */
export const commands: readonly CliCommand[] = [
  statusCommand('id', 'suspend'),
  statusCommand('id', 'revoke'),
  statusCommand('id', 'activate'),
  idAudit,
];
