import { GridmarkError } from '../../../schema/index.js';
import {
  REGISTRY_OPTIONS,
  onePositional,
  parseCommandArgs,
  registryClient,
  required,
} from '../cli-options.js';
import type { CliCommand, CliIo } from '../command.js';

const ENTERPRISE_FIELDS = 'creditCode name status statusReason contact creditScore createdAt';
const ACCOUNT_OPTIONS = {
  ...REGISTRY_OPTIONS,
  'credit-code': { type: 'string' },
  name: { type: 'string' },
  contact: { type: 'string' },
} as const;
const STATUSES = new Set(['PENDING', 'APPROVED', 'REJECTED']);

interface EnterpriseKey {
  readonly enterprise: { readonly creditCode: string; readonly name: string };
  readonly apiKey: string;
}

const printKey = (io: CliIo, done: string, { enterprise, apiKey }: EnterpriseKey): void => {
  io.out(`${done} ${enterprise.name} (${enterprise.creditCode})\n`);
  io.out(
    `operator key (shown once; hand it to the enterprise's operator, who keeps it in a file readable only by them and passes it with --key-file):\n${apiKey}\n`,
  );
};

const accountInput = (values: {
  readonly 'credit-code'?: string | undefined;
  readonly name?: string | undefined;
  readonly contact?: string | undefined;
}) => ({
  creditCode: required(values['credit-code'], 'credit-code'),
  name: required(values.name, 'name'),
  ...(values.contact === undefined ? {} : { contact: values.contact }),
});

const enterpriseApply: CliCommand = {
  path: ['enterprise', 'apply'],
  summary:
    'apply for an enterprise account (no key); it waits PENDING until a platform admin reviews it',
  usage:
    'gridmark enterprise apply --credit-code <18 chars> --name <enterprise name> [--contact <how to reach you>] [--registry URL]',
  async run(args, io) {
    const { values } = parseCommandArgs(args, ACCOUNT_OPTIONS);
    const { applyForEnterprise } = await registryClient(values, { needsKey: false }).request<{
      applyForEnterprise: { creditCode: string; status: string };
    }>(
      'mutation ($input: EnterpriseInput!) { applyForEnterprise(input: $input) { creditCode status } }',
      { input: accountInput(values) },
    );
    io.out(
      `the application of ${applyForEnterprise.creditCode} is ${applyForEnterprise.status}: a platform admin verifies the enterprise and hands its operator key over on approval\n`,
    );
  },
};

const enterpriseCreate: CliCommand = {
  path: ['enterprise', 'create'],
  summary:
    'open an approved enterprise account; prints its operator key (shown once; platform admins)',
  usage:
    'gridmark enterprise create --credit-code <18 chars> --name <enterprise name> [--contact <text>] [--registry URL] [--key-file F]',
  async run(args, io) {
    const { values } = parseCommandArgs(args, ACCOUNT_OPTIONS);
    const { createEnterprise } = await registryClient(values, { needsKey: true }).request<{
      createEnterprise: EnterpriseKey;
    }>(
      'mutation ($input: EnterpriseInput!) { createEnterprise(input: $input) { enterprise { creditCode name } apiKey } }',
      { input: accountInput(values) },
    );
    printKey(io, 'onboarded', createEnterprise);
  },
};

/** A platform admin's command that issues an enterprise's operator key through `mutation` and prints it once. */
const keyIssuingCommand = (
  verb: string,
  mutation: 'approveEnterprise' | 'issueEnterpriseKey',
  summary: string,
  done: string,
): CliCommand => ({
  path: ['enterprise', verb],
  summary,
  usage: `gridmark enterprise ${verb} <credit code> [--registry URL] [--key-file F]`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, REGISTRY_OPTIONS);
    const creditCode = onePositional(positionals, 'credit code');
    const reply = await registryClient(values, { needsKey: true }).request<
      Record<typeof mutation, EnterpriseKey>
    >(
      `mutation ($c: String!) { ${mutation}(creditCode: $c) { enterprise { creditCode name } apiKey } }`,
      { c: creditCode },
    );
    printKey(io, done, reply[mutation]);
  },
});

const enterpriseApprove = keyIssuingCommand(
  'approve',
  'approveEnterprise',
  "approve a pending application; prints the enterprise's operator key (shown once; platform admins)",
  'approved',
);

const enterpriseReject: CliCommand = {
  path: ['enterprise', 'reject'],
  summary: 'reject a pending application (platform admins)',
  usage: 'gridmark enterprise reject <credit code> --reason <text> [--registry URL] [--key-file F]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      ...REGISTRY_OPTIONS,
      reason: { type: 'string' },
    });
    const creditCode = onePositional(positionals, 'credit code');
    await registryClient(values, { needsKey: true }).request(
      'mutation ($c: String!, $r: String!) { rejectEnterprise(creditCode: $c, reason: $r) { status } }',
      { c: creditCode, r: required(values.reason, 'reason') },
    );
    io.out(`the application of ${creditCode} is REJECTED\n`);
  },
};

const enterpriseKey = keyIssuingCommand(
  'key',
  'issueEnterpriseKey',
  'issue a further operator key for an approved enterprise (shown once; platform admins)',
  'new operator key for',
);

const enterpriseList: CliCommand = {
  path: ['enterprise', 'list'],
  summary: 'list enterprise accounts; --status PENDING is the review queue (admins and auditors)',
  usage:
    'gridmark enterprise list [--status PENDING|APPROVED|REJECTED] [--registry URL] [--key-file F]',
  async run(args, io) {
    const { values } = parseCommandArgs(args, { ...REGISTRY_OPTIONS, status: { type: 'string' } });
    const status = values.status?.toUpperCase();
    if (status !== undefined && !STATUSES.has(status))
      throw new GridmarkError(
        'BAD_CONFIGURATION',
        '--status must be PENDING, APPROVED or REJECTED.',
      );
    const { enterprises } = await registryClient(values, { needsKey: true }).request<{
      enterprises: {
        creditCode: string;
        name: string;
        status: string;
        contact: string | null;
        statusReason: string | null;
      }[];
    }>(`query ($s: EnterpriseStatus) { enterprises(status: $s) { ${ENTERPRISE_FIELDS} } }`, {
      s: status ?? null,
    });
    for (const e of enterprises)
      io.out(
        `${e.creditCode} ${e.status.padEnd(8)} ${e.name}${e.contact ? `  <${e.contact}>` : ''}${e.statusReason ? `  (${e.statusReason})` : ''}\n`,
      );
  },
};

const enterpriseShow: CliCommand = {
  path: ['enterprise', 'show'],
  summary: 'show an enterprise: its onboarding status and credit score',
  usage: 'gridmark enterprise show <credit code> [--registry URL] [--key-file F]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, REGISTRY_OPTIONS);
    const creditCode = onePositional(positionals, 'credit code');
    const { enterprise } = await registryClient(values, { needsKey: false }).request<{
      enterprise: unknown;
    }>(`query ($c: String!) { enterprise(creditCode: $c) { ${ENTERPRISE_FIELDS} } }`, {
      c: creditCode,
    });
    if (enterprise === null) throw new GridmarkError('NOT_FOUND', `no enterprise ${creditCode}.`);
    io.out(`${JSON.stringify(enterprise, null, 2)}\n`);
  },
};

/** Enterprise onboarding: applications, their review, operator keys. */
export const commands: readonly CliCommand[] = [
  enterpriseApply,
  enterpriseCreate,
  enterpriseApprove,
  enterpriseReject,
  enterpriseKey,
  enterpriseList,
  enterpriseShow,
];
