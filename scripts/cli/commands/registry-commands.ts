import { GridmarkError, parseIdentifier } from '../../../schema/index.js';
import {
  REGISTRY_OPTIONS,
  onePositional,
  parseCommandArgs,
  registryClient,
  required,
} from '../cli-options.js';
import type { CliCommand, CliIo } from '../command.js';
import { readDeviceFile, type DeviceFileRow } from '../device-file.js';
import { enterpriseCommands } from './enterprise-commands.js';

const SYSTEM_FIELDS =
  'code name subgraphName url status codingRule description createdAt enterprise { name creditCode creditScore } fields { code name feeFen }';
const IDENTIFIER_FIELDS =
  'identifier issuerCode kind status audit { status by at note } holdings { systemCode localCode }';
const json = (io: CliIo, value: unknown): void => io.out(`${JSON.stringify(value, null, 2)}\n`);

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
    json(io, system);
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

const statusCommand = (
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

type BatchSender = (
  batch: readonly DeviceFileRow[],
  dryRun: boolean,
) => Promise<{ registered: number; unchanged: number }>;

/** A refusal of a batch, re-numbered with the file's own row (the server numbers rows within the batch). */
function fileRowError(error: unknown, batch: readonly DeviceFileRow[], context: string): unknown {
  if (!(error instanceof GridmarkError) || typeof error.details['row'] !== 'number') return error;
  const fileRow = batch[error.details['row'] - 1]?.row;
  return new GridmarkError(
    error.code,
    `${error.message.replace(/^row \d+: /, '')} (file row ${fileRow ?? '?'}; ${context})`,
    { details: { ...error.details, row: fileRow }, cause: error },
  );
}

/**
 * Sends rows in batches, one transaction each, with progress on stderr: first every batch as a
 * check (`dryRun`: the registry runs all its checks against what it holds and writes nothing),
 * then, when the whole file passed, every batch for real. A bad row anywhere in the file is
 * reported before anything is written.
 */
async function sendBatches(
  io: CliIo,
  rows: readonly DeviceFileRow[],
  batchSize: number,
  send: BatchSender,
): Promise<void> {
  const started = Date.now();
  for (let i = 0; i < rows.length; i += batchSize) {
    const batch = rows.slice(i, i + batchSize);
    await send(batch, true).catch((error: unknown) => {
      throw fileRowError(error, batch, 'nothing of the file was written');
    });
    io.err(`  checked ${Math.min(i + batchSize, rows.length)}/${rows.length} rows\n`);
  }
  let registered = 0;
  let unchanged = 0;
  for (let i = 0; i < rows.length; i += batchSize) {
    const batch = rows.slice(i, i + batchSize);
    // The file passed its check; a refusal now means the registry changed meanwhile.
    const result = await send(batch, false).catch((error: unknown) => {
      throw fileRowError(
        error,
        batch,
        `the registry changed since the file was checked; this batch was refused and nothing of it was written${i > 0 ? `; the ${i} rows before it are registered and re-sending them changes nothing` : ''}`,
      );
    });
    registered += result.registered;
    unchanged += result.unchanged;
    const done = Math.min(i + batchSize, rows.length);
    const rate = Math.round(done / Math.max((Date.now() - started) / 1000, 0.001));
    io.err(`  ${done}/${rows.length} rows (${rate} rows/s)\n`);
  }
  io.out(
    `${registered} registered, ${unchanged} already registered, ${rows.length} rows in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
}

/**
 * Checks every row of a device file on its own and against the file's other rows before anything
 * is sent: syntax, kinds, identifiers, and no local code (or claimed identifier) twice.
 *
 * @throws GridmarkError `BAD_DEVICE_ROW` or `DUPLICATE_IDENTIFIER` naming the file row.
 */
async function checkDeviceRows(
  rows: readonly DeviceFileRow[],
  verb: 'register' | 'claim',
): Promise<void> {
  // The gateway is loaded only by the commands that need it: every other command starts light.
  const { requireKind, requireLocalCode } = await import('../../../gateway/index.js');
  const firstRow = new Map<string, number>();
  const once = (key: string, row: number, what: string, identifier?: string): void => {
    const first = firstRow.get(key);
    if (first !== undefined)
      throw new GridmarkError('DUPLICATE_IDENTIFIER', `row ${row}: ${what} repeats row ${first}.`, {
        details: { row, ...(identifier ? { identifier } : {}) },
      });
    firstRow.set(key, row);
  };
  for (const { row, values: v } of rows) {
    const localCode = requireLocalCode(v['localCode'], row);
    once(`local\u0000${localCode}`, row, `local code ${localCode}`);
    if (verb === 'register') {
      requireKind(v['kind'], row);
      continue;
    }
    const identifier = v['identifier'] ?? '';
    try {
      parseIdentifier(identifier);
    } catch (cause) {
      throw new GridmarkError(
        'BAD_DEVICE_ROW',
        `row ${row}: ${identifier} is not a valid identifier.`,
        { cause, details: { row } },
      );
    }
    once(`id\u0000${identifier}`, row, `identifier ${identifier}`, identifier);
  }
}

const deviceCommand = (verb: 'register' | 'claim'): CliCommand => ({
  path: ['devices', verb],
  summary:
    verb === 'register'
      ? "register the system's own devices from a CSV (localCode,kind) or JSON file; the whole file is checked before anything is written"
      : 'claim devices other systems identified, from a CSV (identifier,localCode) or JSON file; the whole file is checked before anything is written',
  usage: `gridmark devices ${verb} --system <code> --file <devices.csv|.json> [--batch-size 5000] [--registry URL] [--key-file F]`,
  async run(args, io) {
    const { values } = parseCommandArgs(args, {
      ...REGISTRY_OPTIONS,
      system: { type: 'string' },
      file: { type: 'string' },
      'batch-size': { type: 'string', default: '5000' },
    });
    const system = required(values.system, 'system');
    const batchSize = Number(values['batch-size']);
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000)
      throw new GridmarkError(
        'BAD_CONFIGURATION',
        '--batch-size must be an integer from 1 to 10000.',
      );
    const columns = verb === 'register' ? ['localCode', 'kind'] : ['identifier', 'localCode'];
    const rows = readDeviceFile(required(values.file, 'file'), columns);
    await checkDeviceRows(rows, verb);
    const client = registryClient(values, { needsKey: true });
    await sendBatches(io, rows, batchSize, async (batch, dryRun) => {
      if (verb === 'register') {
        const { registerDevices } = await client.request<{
          registerDevices: { registered: number; unchanged: number };
        }>(
          'mutation ($code: ID!, $devices: [DeviceInput!]!, $dryRun: Boolean) { registerDevices(systemCode: $code, devices: $devices, dryRun: $dryRun) { registered unchanged } }',
          { code: system, devices: batch.map((r) => r.values), dryRun },
        );
        return registerDevices;
      }
      const { claimDevices } = await client.request<{
        claimDevices: { registered: number; unchanged: number };
      }>(
        'mutation ($code: ID!, $claims: [ClaimInput!]!, $dryRun: Boolean) { claimDevices(systemCode: $code, claims: $claims, dryRun: $dryRun) { registered unchanged } }',
        { code: system, claims: batch.map((r) => r.values), dryRun },
      );
      return claimDevices;
    });
  },
});

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
    json(io, auditIdentifier);
  },
};

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
    json(io, statistics);
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
    if (values.json) return json(io, applicationKeys);
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

/** Commands for business-system operators, auditors and admins, over the registry API. */
export const commands: readonly CliCommand[] = [
  ...enterpriseCommands,
  systemRegister,
  systemShow,
  systemList,
  systemEndpoint,
  statusCommand('system', 'suspend'),
  statusCommand('system', 'revoke'),
  statusCommand('system', 'activate'),
  fieldsRegister,
  deviceCommand('register'),
  deviceCommand('claim'),
  statusCommand('id', 'suspend'),
  statusCommand('id', 'revoke'),
  statusCommand('id', 'activate'),
  idAudit,
  stats,
  log,
  creditSet,
  keyIssue,
  appRegister,
  appKeys,
  appKeyIssue,
  appKeyRevoke,
  rulePublish,
];
