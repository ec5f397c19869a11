import {
  REGISTRY_OPTIONS,
  onePositional,
  parseCommandArgs,
  registryClient,
  required,
} from '../cli-options.js';
import type { CliCommand } from '../command.js';
import { printJson } from './registry-command-parts.js';

const stats: CliCommand = {
  path: ['stats'],
  summary: 'registry statistics: systems, devices, key devices, fields, per system',
  usage: 'gridmark stats [--registry URL] [--key-file F]',
  async run(args, io) {
    const { values } = parseCommandArgs(args, REGISTRY_OPTIONS);
    const { statistics } = await registryClient(values, { needsKey: true }).request<{
      statistics: unknown;
    }>(
      '{ statistics { systems { active suspended revoked } devices keyDevices fields perSystem { systemCode name status issued held fields } } }',
    );
    printJson(io, statistics);
  },
};

const log: CliCommand = {
  path: ['log'],
  summary: 'the append-only registry log (admins and auditors)',
  usage: 'gridmark log [--after N] [--limit N] [--registry URL] [--key-file F]',
  async run(args, io) {
    const { values } = parseCommandArgs(args, {
      ...REGISTRY_OPTIONS,
      after: { type: 'string', default: '0' },
      limit: { type: 'string', default: '100' },
    });
    const { registryLog } = await registryClient(values, { needsKey: true }).request<{
      registryLog: {
        seq: number;
        at: string;
        actor: string;
        action: string;
        subject: string;
        details: string;
      }[];
    }>(
      'query ($after: Int, $limit: Int) { registryLog(after: $after, limit: $limit) { seq at actor action subject details } }',
      { after: Number(values.after), limit: Number(values.limit) },
    );
    for (const e of registryLog)
      io.out(
        `${String(e.seq).padStart(6)} ${e.at} ${e.actor.padEnd(30)} ${e.action.padEnd(18)} ${e.subject} ${e.details}\n`,
      );
  },
};

const creditSet: CliCommand = {
  path: ['credit', 'set'],
  summary: "set an enterprise's credit score (platform admins)",
  usage:
    'gridmark credit set <credit code> --score <0-100> --reason <text> [--registry URL] [--key-file F]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      ...REGISTRY_OPTIONS,
      score: { type: 'string' },
      reason: { type: 'string' },
    });
    const creditCode = onePositional(positionals, 'credit code');
    const score = Number(required(values.score, 'score'));
    const { setCreditScore } = await registryClient(values, { needsKey: true }).request<{
      setCreditScore: { creditScore: number };
    }>(
      'mutation ($c: String!, $s: Int!, $r: String!) { setCreditScore(creditCode: $c, score: $s, reason: $r) { creditScore } }',
      { c: creditCode, s: score, r: required(values.reason, 'reason') },
    );
    io.out(`${creditCode} credit score is now ${setCreditScore.creditScore}\n`);
  },
};

const keyIssue: CliCommand = {
  path: ['key', 'issue'],
  summary: 'issue an API key for an auditor or a platform admin (platform admins)',
  usage:
    'gridmark key issue --role AUDITOR|PLATFORM_ADMIN --label <text> [--registry URL] [--key-file F]',
  async run(args, io) {
    const { values } = parseCommandArgs(args, {
      ...REGISTRY_OPTIONS,
      role: { type: 'string' },
      label: { type: 'string' },
    });
    const { issueKey } = await registryClient(values, { needsKey: true }).request<{
      issueKey: string;
    }>(
      'mutation ($role: IssuableRole!, $label: String!) { issueKey(role: $role, label: $label) }',
      { role: required(values.role, 'role'), label: required(values.label, 'label') },
    );
    io.out(`API key (shown once):\n${issueKey}\n`);
  },
};

/** Platform oversight: the registry's statistics and log, credit scores, auditor and admin keys. */
export const commands: readonly CliCommand[] = [stats, log, creditSet, keyIssue];
