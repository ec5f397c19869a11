import { GridmarkError } from '../../../schema/index.js';
import {
  REGISTRY_OPTIONS,
  onePositional,
  parseCommandArgs,
  registryClient,
  required,
} from '../cli-options.js';
import type { CliCommand } from '../command.js';
import { printJson } from './registry-command-parts.js';

const appRegister: CliCommand = {
  path: ['app', 'register'],
  summary:
    'register a data application with its roles; prints its id and API key (shown once; platform admins)',
  usage:
    'gridmark app register --name <name> --role <role> [--role <role> ...] [--registry URL] [--key-file F]',
  async run(args, io) {
    const { values } = parseCommandArgs(args, {
      ...REGISTRY_OPTIONS,
      name: { type: 'string' },
      role: { type: 'string', multiple: true },
    });
    const { registerApplication } = await registryClient(values, { needsKey: true }).request<{
      registerApplication: { application: { appId: string }; apiKey: string };
    }>(
      'mutation ($name: String!, $roles: [String!]!) { registerApplication(name: $name, roles: $roles) { application { appId } apiKey } }',
      { name: required(values.name, 'name'), roles: values.role ?? [] },
    );
    io.out(
      `registered application ${registerApplication.application.appId}\nAPI key (shown once):\n${registerApplication.apiKey}\n`,
    );
  },
};

interface ApplicationKeyInfo {
  keyId: string;
  label: string;
  createdAt: string;
  revokedAt: string | null;
}

const appKeys: CliCommand = {
  path: ['app', 'keys'],
  summary:
    "list an application's API keys, revoked ones too (ids and dates, never a key): the application itself, admins, auditors",
  usage: 'gridmark app keys <APP-nnnn> [--json] [--registry URL] [--key-file F]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      ...REGISTRY_OPTIONS,
      json: { type: 'boolean', default: false },
    });
    const { applicationKeys } = await registryClient(values, { needsKey: true }).request<{
      applicationKeys: ApplicationKeyInfo[];
    }>('query ($app: ID!) { applicationKeys(appId: $app) { keyId label createdAt revokedAt } }', {
      app: onePositional(positionals, 'application id'),
    });
    if (values.json) return printJson(io, applicationKeys);
    for (const k of applicationKeys)
      io.out(
        `${k.keyId}  issued ${k.createdAt}  ${k.revokedAt === null ? 'valid' : `revoked ${k.revokedAt}`}  ${k.label}\n`,
      );
  },
};

const appKeyIssue: CliCommand = {
  path: ['app', 'key', 'issue'],
  summary:
    'issue a further API key for an application, found by name; prints it once (platform admins)',
  usage: 'gridmark app key issue --name <application name> [--registry URL] [--key-file F]',
  async run(args, io) {
    const { values } = parseCommandArgs(args, { ...REGISTRY_OPTIONS, name: { type: 'string' } });
    const { issueApplicationKey } = await registryClient(values, { needsKey: true }).request<{
      issueApplicationKey: { appId: string; apiKey: string };
    }>('mutation ($name: String!) { issueApplicationKey(name: $name) { appId apiKey } }', {
      name: required(values.name, 'name'),
    });
    io.out(
      `new API key for ${issueApplicationKey.appId} (shown once):\n${issueApplicationKey.apiKey}\n`,
    );
  },
};

const appKeyRevoke: CliCommand = {
  path: ['app', 'key', 'revoke'],
  summary:
    "revoke one of an application's API keys by its id (see app keys): the application itself or a platform admin",
  usage: 'gridmark app key revoke <APP-nnnn> <key id> [--registry URL] [--key-file F]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, REGISTRY_OPTIONS);
    const [app, keyId] = positionals;
    if (positionals.length !== 2 || app === undefined || keyId === undefined)
      throw new GridmarkError('BAD_CONFIGURATION', 'give the application id and the key id.');
    const { revokeApplicationKey: key } = await registryClient(values, { needsKey: true }).request<{
      revokeApplicationKey: ApplicationKeyInfo;
    }>(
      'mutation ($app: ID!, $key: ID!) { revokeApplicationKey(appId: $app, keyId: $key) { keyId label createdAt revokedAt } }',
      { app, key: keyId },
    );
    io.out(
      `key ${key.keyId} of ${app} is revoked (since ${key.revokedAt ?? '?'}); requests with it are refused\n`,
    );
  },
};

const rulePublish: CliCommand = {
  path: ['rule', 'publish'],
  summary:
    "publish an application's parsing rule to the ledger: the field codes a function needs, for a role or *",
  usage:
    'gridmark rule publish --app <APP-nnnn> --function <name> [--role <role>|*] --field <field code> [--field ...] [--registry URL] [--key-file F]',
  async run(args, io) {
    const { values } = parseCommandArgs(args, {
      ...REGISTRY_OPTIONS,
      app: { type: 'string' },
      function: { type: 'string' },
      role: { type: 'string', default: '*' },
      field: { type: 'string', multiple: true },
    });
    const { publishRule } = await registryClient(values, { needsKey: true }).request<{
      publishRule: { txId: string; fieldCodes: string[] };
    }>(
      'mutation ($app: ID!, $fn: String!, $role: String!, $codes: [ID!]!) { publishRule(appId: $app, function: $fn, role: $role, fieldCodes: $codes) { txId fieldCodes } }',
      {
        app: required(values.app, 'app'),
        fn: required(values.function, 'function'),
        role: values.role,
        codes: values.field ?? [],
      },
    );
    io.out(
      `rule on the ledger (transaction ${publishRule.txId}): ${publishRule.fieldCodes.join(', ')}\n`,
    );
  },
};

/** Data applications: registration, their API keys, and the parsing rules they publish. */
export const commands: readonly CliCommand[] = [
  appRegister,
  appKeys,
  appKeyIssue,
  appKeyRevoke,
  rulePublish,
];
