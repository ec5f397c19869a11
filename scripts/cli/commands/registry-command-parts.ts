import type { CliCommand, CliIo } from '../command.js';
import {
  REGISTRY_OPTIONS,
  onePositional,
  parseCommandArgs,
  registryClient,
  required,
} from '../cli-options.js';

/** Writes `value` as indented JSON. */
export const printJson = (io: CliIo, value: unknown): void =>
  io.out(`${JSON.stringify(value, null, 2)}\n`);

/**
 * `gridmark system|id suspend|revoke|activate`: sets the status of a business system (platform
 * admins) or of an identifier (its issuing system or an admin), with a reason the log keeps.
 */
export const statusCommand = (
  subject: 'system' | 'id',
  verb: 'suspend' | 'revoke' | 'activate',
): CliCommand => ({
  path: [subject, verb],
  summary: `${verb} ${subject === 'system' ? 'a business system (platform admins)' : 'an identifier (its issuing system or an admin)'}${verb === 'revoke' ? '; final' : ''}`,
  usage: `gridmark ${subject} ${verb} <${subject === 'system' ? 'system code' : 'identifier'}> --reason <text> [--registry URL] [--key-file F]`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      ...REGISTRY_OPTIONS,
      reason: { type: 'string' },
    });
    const target = onePositional(positionals, subject === 'system' ? 'system code' : 'identifier');
    const status = verb === 'activate' ? 'ACTIVE' : verb === 'suspend' ? 'SUSPENDED' : 'REVOKED';
    const client = registryClient(values, { needsKey: true });
    const reason = required(values.reason, 'reason');
    if (subject === 'system')
      await client.request(
        'mutation ($code: ID!, $status: SystemStatus!, $reason: String!) { setSystemStatus(code: $code, status: $status, reason: $reason) { code } }',
        { code: target, status, reason },
      );
    else
      await client.request(
        'mutation ($id: ID!, $status: IdentifierStatus!, $reason: String!) { setIdentifierStatus(id: $id, status: $status, reason: $reason) { identifier } }',
        { id: target, status, reason },
      );
    io.out(`${target} is now ${status}\n`);
  },
});
