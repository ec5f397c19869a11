import { GridmarkError } from '../../../schema/index.js';
import {
  REGISTRY_OPTIONS,
  onePositional,
  parseCommandArgs,
  registryClient,
  required,
} from '../cli-options.js';
import type { CliCommand } from '../command.js';

interface CreditEventView {
  readonly seq: number;
  readonly at: string;
  readonly creditCode: string;
  readonly systemCode: string | null;
  readonly kind: string;
  readonly delta: number;
  readonly scoreBefore: number;
  readonly scoreAfter: number;
  readonly reason: string;
  readonly actor: string;
}

const EVENT_FIELDS =
  'seq at creditCode systemCode kind delta scoreBefore scoreAfter reason actor reference { deviceId fieldCode resolutionId fieldCodes appId rating }';
const signed = (n: number): string => (n > 0 ? `+${n}` : String(n));
const eventLine = (e: CreditEventView): string =>
  `${String(e.seq).padStart(6)} ${e.at} ${e.creditCode} ${(e.systemCode ?? '-').padEnd(12)} ${e.kind.padEnd(19)} ${signed(e.delta).padStart(4)} ${String(e.scoreBefore).padStart(3)} -> ${String(e.scoreAfter).padEnd(3)} ${e.reason} (${e.actor})\n`;

/** An integer option, or BAD_INPUT naming it. */
function integerOption(value: string, name: string): number {
  if (!/^-?\d+$/.test(value))
    throw new GridmarkError('BAD_INPUT', `--${name} must be an integer, not "${value}".`, {
      details: { field: name },
    });
  return Number(value);
}

const creditHistory: CliCommand = {
  path: ['credit', 'history'],
  summary: "an enterprise's or a system's credit events, oldest first (any key)",
  usage:
    'gridmark credit history <credit code | system code> [--after N] [--limit N] [--json] [--registry URL] [--key-file F]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      ...REGISTRY_OPTIONS,
      after: { type: 'string', default: '0' },
      limit: { type: 'string', default: '100' },
      json: { type: 'boolean', default: false },
    });
    const subject = onePositional(positionals, 'credit code or system code');
    // System codes are dotted numeric (88.1001.3); unified social credit codes are 18 characters.
    const filter = /^\d+(\.\d+)+$/.test(subject)
      ? { systemCode: subject }
      : { creditCode: subject };
    const { creditHistory } = await registryClient(values, { needsKey: true }).request<{
      creditHistory: CreditEventView[];
    }>(
      `query ($creditCode: String, $systemCode: ID, $after: Int, $limit: Int) { creditHistory(creditCode: $creditCode, systemCode: $systemCode, after: $after, limit: $limit) { ${EVENT_FIELDS} } }`,
      {
        creditCode: null,
        systemCode: null,
        ...filter,
        after: integerOption(values.after, 'after'),
        limit: integerOption(values.limit, 'limit'),
      },
    );
    if (values.json) return io.out(`${JSON.stringify(creditHistory, null, 2)}\n`);
    if (creditHistory.length === 0) return io.out(`no credit events for ${subject}\n`);
    for (const event of creditHistory) io.out(eventLine(event));
  },
};

const creditFeedback: CliCommand = {
  path: ['credit', 'feedback'],
  summary:
    'rate a business system your application traded with, 1 (worst) to 5, once a day (application key)',
  usage:
    'gridmark credit feedback <system code> --score 1-5 --reason <text> [--registry URL] [--key-file F]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      ...REGISTRY_OPTIONS,
      score: { type: 'string' },
      reason: { type: 'string' },
    });
    const systemCode = onePositional(positionals, 'system code');
    const score = integerOption(required(values.score, 'score'), 'score');
    const { submitFeedback } = await registryClient(values, { needsKey: true }).request<{
      submitFeedback: CreditEventView;
    }>(
      `mutation ($code: ID!, $score: Int!, $reason: String!) { submitFeedback(systemCode: $code, score: $score, reason: $reason) { ${EVENT_FIELDS} } }`,
      { code: systemCode, score, reason: required(values.reason, 'reason') },
    );
    io.out(
      `rated ${systemCode} ${score}: credit of ${submitFeedback.creditCode} ${submitFeedback.scoreBefore} -> ${submitFeedback.scoreAfter} (${signed(submitFeedback.delta)})\n`,
    );
  },
};

const systemReinstate: CliCommand = {
  path: ['system', 'reinstate'],
  summary:
    "reactivate a suspended system, raising its enterprise's credit to the threshold or --score (admins, auditors)",
  usage:
    'gridmark system reinstate <system code> --reason <text> [--score N] [--registry URL] [--key-file F]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      ...REGISTRY_OPTIONS,
      reason: { type: 'string' },
      score: { type: 'string' },
    });
    const code = onePositional(positionals, 'system code');
    const { reinstateSystem } = await registryClient(values, { needsKey: true }).request<{
      reinstateSystem: { system: { status: string }; creditEvent: CreditEventView | null };
    }>(
      `mutation ($code: ID!, $reason: String!, $score: Int) { reinstateSystem(code: $code, reason: $reason, score: $score) { system { status } creditEvent { ${EVENT_FIELDS} } } }`,
      {
        code,
        reason: required(values.reason, 'reason'),
        score: values.score === undefined ? null : integerOption(values.score, 'score'),
      },
    );
    const event = reinstateSystem.creditEvent;
    io.out(
      `${code} is now ${reinstateSystem.system.status}${event ? `; credit of ${event.creditCode} raised ${event.scoreBefore} -> ${event.scoreAfter}` : ''}\n`,
    );
  },
};

/** Credit evaluation commands: history, application feedback, reinstatement of suspended systems. */
export const commands: readonly CliCommand[] = [creditHistory, creditFeedback, systemReinstate];
