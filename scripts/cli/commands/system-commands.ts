import { GridmarkError } from '../../../schema/index.js';
import {
  REGISTRY_OPTIONS,
  onePositional,
  parseCommandArgs,
  registryClient,
  required,
} from '../cli-options.js';
import type { CliCommand } from '../command.js';
import { printJson, statusCommand } from './registry-command-parts.js';

const SYSTEM_FIELDS =
  'code name subgraphName url status codingRule description createdAt enterprise { name creditCode creditScore } fields { code name feeFen }';

const systemRegister: CliCommand = {
  path: ['system', 'register'],
  summary:
    "register a business system of an onboarded enterprise, with its operator key; prints the system's code and its own API key (shown once)",
  usage:
    'gridmark system register --credit-code <18 chars> --name <system name> --subgraph <name> --description <text> --url <subgraph URL> [--enterprise <onboarded name>] [--coding-rule "{code}"] [--registry URL] [--key-file F]',
  async run(args, io) {
    const { values } = parseCommandArgs(args, {
      ...REGISTRY_OPTIONS,
      enterprise: { type: 'string' },
      'credit-code': { type: 'string' },
      name: { type: 'string' },
      subgraph: { type: 'string' },
      description: { type: 'string' },
      url: { type: 'string' },
      'coding-rule': { type: 'string' },
    });
    const input = {
      ...(values.enterprise ? { enterpriseName: values.enterprise } : {}),
      creditCode: required(values['credit-code'], 'credit-code'),
      systemName: required(values.name, 'name'),
      subgraphName: required(values.subgraph, 'subgraph'),
      description: required(values.description, 'description'),
      url: required(values.url, 'url'),
      ...(values['coding-rule'] ? { codingRule: values['coding-rule'] } : {}),
    };
    const { registerSystem } = await registryClient(values, { needsKey: true }).request<{
      registerSystem: { system: { code: string; subgraphName: string }; apiKey: string };
    }>(
      'mutation ($input: RegisterSystemInput!) { registerSystem(input: $input) { system { code subgraphName } apiKey } }',
      { input },
    );
    io.out(
      `registered ${registerSystem.system.subgraphName} as system ${registerSystem.system.code}\n`,
    );
    io.out(
      `API key (shown once; keep it in a file readable only by you and pass it with --key-file):\n${registerSystem.apiKey}\n`,
    );
  },
};

const systemShow: CliCommand = {
  path: ['system', 'show'],
  summary: 'show a business system, its enterprise and its fields',
  usage: 'gridmark system show <system code> [--registry URL]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, REGISTRY_OPTIONS);
    const code = onePositional(positionals, 'system code');
    const { system } = await registryClient(values, { needsKey: false }).request<{
      system: unknown;
    }>(`query ($code: ID!) { system(code: $code) { ${SYSTEM_FIELDS} } }`, { code });
    if (system === null) throw new GridmarkError('NOT_FOUND', `no business system ${code}.`);
    printJson(io, system);
  },
};

const systemList: CliCommand = {
  path: ['system', 'list'],
  summary: 'list business systems',
  usage: 'gridmark system list [--status ACTIVE|SUSPENDED|REVOKED] [--registry URL] [--key-file F]',
  async run(args, io) {
    const { values } = parseCommandArgs(args, { ...REGISTRY_OPTIONS, status: { type: 'string' } });
    const { systems } = await registryClient(values, { needsKey: false }).request<{
      systems: { code: string; subgraphName: string; status: string; url: string | null }[];
    }>(
      'query ($status: SystemStatus) { systems(status: $status) { code subgraphName status url } }',
      { status: values.status ?? null },
    );
    for (const s of systems)
      io.out(
        `${s.code.padEnd(14)} ${s.subgraphName.padEnd(16)} ${s.status.padEnd(10)} ${s.url ?? '(URL shown to admins, auditors and the system itself)'}\n`,
      );
  },
};

const systemEndpoint: CliCommand = {
  path: ['system', 'endpoint'],
  summary: 'point a system at a new subgraph URL (same checks as registration)',
  usage:
    'gridmark system endpoint <system code> --url <subgraph URL> [--registry URL] [--key-file F]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      ...REGISTRY_OPTIONS,
      url: { type: 'string' },
    });
    const code = onePositional(positionals, 'system code');
    await registryClient(values, { needsKey: true }).request(
      'mutation ($code: ID!, $url: String!) { updateSystemEndpoint(code: $code, url: $url) { code } }',
      { code, url: required(values.url, 'url') },
    );
    io.out(`${code} now serves at ${values.url ?? ''}\n`);
  },
};

const fieldsRegister: CliCommand = {
  path: ['fields', 'register'],
  summary:
    "register a system's shareable fields with their fee standards (integer fen) and change policies",
  usage:
    'gridmark fields register --system <code> --field <name>[=<fee fen>] ... [--release-unverified <name>] ... [--refuse <name>] ... [--registry URL] [--key-file F]',
  async run(args, io) {
    const { values } = parseCommandArgs(args, {
      ...REGISTRY_OPTIONS,
      system: { type: 'string' },
      field: { type: 'string', multiple: true },
      'release-unverified': { type: 'string', multiple: true },
      refuse: { type: 'string', multiple: true },
    });
    // A changed value of a release-unverified field is released UNVERIFIED; of a refuse field it is TAMPERED. Unnamed: new fields refuse, registered ones keep theirs.
    const policies = new Map([
      ...(values.refuse ?? []).map((n) => [n, 'REFUSE'] as const),
      ...(values['release-unverified'] ?? []).map((n) => [n, 'RELEASE_UNVERIFIED'] as const),
    ]);
    const fields = (values.field ?? []).map((spec) => {
      const [name = '', fee] = spec.split('=');
      if (fee !== undefined && !/^\d+$/.test(fee))
        throw new GridmarkError(
          'BAD_INPUT',
          `the fee in "${spec}" must be a non-negative integer number of fen.`,
        );
      const changePolicy = policies.get(name);
      return {
        name,
        ...(fee === undefined ? {} : { feeFen: Number(fee) }),
        ...(changePolicy === undefined ? {} : { changePolicy }),
      };
    });
    const unlisted = [...policies.keys()].filter((n) => !fields.some((f) => f.name === n));
    if (unlisted.length > 0)
      throw new GridmarkError(
        'BAD_CONFIGURATION',
        `a change policy names ${unlisted.join(', ')}, which no --field lists.`,
      );
    if (fields.length === 0)
      throw new GridmarkError('BAD_CONFIGURATION', 'give at least one --field.');
    const { registerFields } = await registryClient(values, { needsKey: true }).request<{
      registerFields: { code: string; name: string; feeFen: number | null; changePolicy: string }[];
    }>(
      'mutation ($code: ID!, $fields: [FieldInput!]!) { registerFields(systemCode: $code, fields: $fields) { code name feeFen changePolicy } }',
      { code: required(values.system, 'system'), fields },
    );
    for (const f of registerFields)
      io.out(
        `${f.code.padEnd(18)} Device.${f.name}${f.feeFen === null ? '' : `  ${f.feeFen} fen/use`}${f.changePolicy === 'RELEASE_UNVERIFIED' ? '  changed values released UNVERIFIED' : ''}\n`,
      );
  },
};

/** Business systems: registration, their endpoints, their status and their shareable fields. */
export const commands: readonly CliCommand[] = [
  systemRegister,
  systemShow,
  systemList,
  systemEndpoint,
  statusCommand('system', 'suspend'),
  statusCommand('system', 'revoke'),
  statusCommand('system', 'activate'),
  fieldsRegister,
];
