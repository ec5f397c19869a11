import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readReceipt } from '../../gateway/index.js';
import { createGraphqlClient } from '../../schema/index.js';
import {
  readInitOutput,
  runGridmark,
  startServe,
  type ServeProcess,
} from '../product/serve-process.js';
import { openLifecycleApplication } from '../support/application-onboarding.js';

/*
 * A business system written in Python from the protocol document (subgraphs/examples/python-plant),
 * run as its own process against a gateway started the product way: `gridmark init`, then
 * `gridmark serve --config`, registration over the registry API. Its values reach an application
 * VERIFIED; a value edited in its database behind its back is withheld as TAMPERED.
 */

const PYTHON = '/usr/bin/python3';
const SYSTEM_DIR = new URL('../../subgraphs/examples/python-plant/', import.meta.url).pathname;
const CREDIT_CODE = '91320500MA1N7PXK3R';
const PREFIX = '88.1001.1';
const SERIALS = ['INV-0001', 'INV-0002', 'INV-0003', 'INV-0004'];
const DEVICES = SERIALS.map((s) => `${PREFIX}/${s}`);
const FIELDS = [
  'serialNumber',
  'inverterModel',
  'ratedPowerKw',
  'mpptCount',
  'firmwareVersion',
  'manufacturedOn',
  'factoryTest',
];
/** The system's X25519 grant key, raw and base64url: it takes sealed grants. */
const GRANT_KEY = /^[A-Za-z0-9_-]{43}$/;
/** Loopback systems are admitted, as an operator allows a private network. */
const SERVE_ENV = { GRIDMARK_REGISTRY_OUTBOUND_ALLOW: '127.0.0.0/8' };
const QUERY = `{ devices(ids: ${JSON.stringify(DEVICES)}) { id serialNumber inverterModel ratedPowerKw mpptCount firmwareVersion manufacturedOn factoryTest { passed efficiencyPct } } }`;

/** Why the Python system cannot run here, or undefined when it can. */
function missingPython(): string | undefined {
  if (!existsSync(PYTHON)) return `${PYTHON} is not installed`;
  try {
    execFileSync(PYTHON, [
      '-c',
      'import cryptography, graphql, promise; assert graphql.__version__.startswith("2.")',
    ]);
    return undefined;
  } catch {
    return 'python3-cryptography or python3-graphql-core 2.x is not installed (apt-get install python3-cryptography python3-graphql-core)';
  }
}

const missing = missingPython();
if (missing) process.stdout.write(`python-system.e2e: skipped, ${missing}\n`);

const dir = mkdtempSync(join(tmpdir(), 'gridmark-python-system-'));
const keyFile = join(dir, 'mes.api-key');
let served: ServeProcess | undefined;
let python: ChildProcess | undefined;
let pythonOut = '';
let pythonErr = '';
let systemUrl = '';
let appKey = '';
let adminKey = '';
let configFile = '';

/** Runs a command to its end. */
function run(
  file: string,
  args: readonly string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(file, args, { cwd, timeout: 120_000 }, (error, stdout, stderr) =>
      resolve({
        code: error ? Number((error as { code?: number }).code ?? 1) : 0,
        stdout,
        stderr,
      }),
    ),
  );
}

/** Starts the Python system and resolves with the URL it prints. */
function startPython(config: string): Promise<string> {
  const child = spawn(PYTHON, ['-B', '-m', 'plant_mes', 'serve', '--config', config], {
    cwd: SYSTEM_DIR,
    env: { PATH: process.env['PATH'] ?? '', PYTHONDONTWRITEBYTECODE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  python = child;
  child.stdout.on('data', (chunk: Buffer) => (pythonOut += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (pythonErr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', () => {
      const url = /serving at (http\S+)/.exec(pythonOut)?.[1];
      if (url) resolve(url);
    });
    child.once('exit', (code) =>
      reject(new Error(`the Python system exited ${code}:\n${pythonErr}`)),
    );
  });
}

/** Resolves once the Python system has printed `count` anchor passes that anchored something or not. */
async function anchorPasses(count: number, timeoutMs = 60_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const passes = [...pythonOut.matchAll(/anchor pass: (\d+) anchored, (\d+) unprovable/g)].map(
      (m) => m[0],
    );
    if (passes.length >= count) return passes;
    if (Date.now() > deadline)
      throw new Error(`no anchor pass in time:\n${pythonOut}\n${pythonErr}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Registers the MES as its operator and the platform admin do, over the registry API. */
async function register(registryUrl: string): Promise<{ code: string; apiKey: string }> {
  const admin = createGraphqlClient({ url: registryUrl, apiKey: adminKey });
  const { createEnterprise } = await admin.request<{ createEnterprise: { apiKey: string } }>(
    'mutation ($input: EnterpriseInput!) { createEnterprise(input: $input) { apiKey } }',
    { input: { creditCode: CREDIT_CODE, name: 'Inverter Maker Co.' } },
  );
  const operator = createGraphqlClient({ url: registryUrl, apiKey: createEnterprise.apiKey });
  const { registerSystem } = await operator.request<{
    registerSystem: { system: { code: string }; apiKey: string };
  }>(
    'mutation ($input: RegisterSystemInput!) { registerSystem(input: $input) { system { code } apiKey } }',
    {
      input: {
        creditCode: CREDIT_CODE,
        systemName: 'Inverter MES',
        subgraphName: 'mes',
        description: 'The inverter maker’s manufacturing execution system',
        url: systemUrl,
      },
    },
  );
  const code = registerSystem.system.code;
  const own = createGraphqlClient({ url: registryUrl, apiKey: registerSystem.apiKey });
  const { registerFields } = await own.request<{ registerFields: { code: string }[] }>(
    'mutation ($code: ID!, $fields: [FieldInput!]!) { registerFields(systemCode: $code, fields: $fields) { code } }',
    { code, fields: FIELDS.map((name) => ({ name, feeFen: 1 })) },
  );
  await own.request(
    'mutation ($code: ID!, $devices: [DeviceInput!]!) { registerDevices(systemCode: $code, devices: $devices) { registered } }',
    { code, devices: SERIALS.map((localCode) => ({ localCode, kind: 'INVERTER' })) },
  );
  appKey = await openLifecycleApplication(
    admin,
    registerFields.map((f) => f.code),
    100000,
  );
  return { code, apiKey: registerSystem.apiKey };
}

interface GatewayAnswer {
  readonly data?: { devices?: (Record<string, unknown> | null)[] } | null;
  readonly errors?: readonly { extensions?: Record<string, unknown> }[];
  readonly extensions?: { gridmark?: unknown };
}

async function queryGateway(): Promise<GatewayAnswer> {
  const response = await fetch(served?.url ?? '', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${appKey}`,
      'x-gridmark-function': 'lifecycle',
      'x-gridmark-role': 'om',
    },
    body: JSON.stringify({ query: QUERY }),
    signal: AbortSignal.timeout(30_000),
  });
  return (await response.json()) as GatewayAnswer;
}

/** Each value's status in the answer's receipt, as `device field` -> status. */
function statuses(answer: GatewayAnswer): Record<string, string> {
  return Object.fromEntries(
    readReceipt(answer.extensions?.gridmark).map((v) => [`${v.device} ${v.field}`, v.status]),
  );
}

/** Asks until every value of the answer has a status (the supergraph takes the system up on registration). */
async function answerWithStatuses(): Promise<GatewayAnswer> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const answer = await queryGateway();
    if (Object.keys(statuses(answer)).length === DEVICES.length * FIELDS.length) return answer;
    if (Date.now() > deadline) return answer;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

/** A request straight to the Python system, as the gateway makes one but with chosen headers. */
async function askSystem(
  query: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(systemUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe.skipIf(missing !== undefined)('a business system in Python, from the protocol', () => {
  beforeAll(async () => {
    const made = await runGridmark(['init', '--dir', join(dir, 'gateway'), '--port', '0']);
    expect(made.code).toBe(0);
    const init = readInitOutput(made.stdout);
    adminKey = init.adminKey;
    configFile = init.configFile;
    served = await startServe(configFile, SERVE_ENV);
    const seeded = await run(
      PYTHON,
      ['-B', '-m', 'plant_mes', 'seed', '--database', join(dir, 'mes.db')],
      SYSTEM_DIR,
    );
    expect(seeded.stdout).toContain('seeded 4 inverters');
    const config = join(dir, 'mes.json');
    writeFileSync(
      config,
      JSON.stringify({
        subgraphName: 'mes',
        systemCode: PREFIX,
        database: 'mes.db',
        journal: 'mes.anchors.db',
        port: 0,
        jwksUrl: served.jwksUrl,
        registryUrl: served.registryUrl,
        apiKeyFile: 'mes.api-key',
        anchorIntervalSeconds: 1,
        sealedGrants: true,
      }),
    );
    systemUrl = await startPython(config);
  }, 180_000);

  afterAll(async () => {
    if (python && python.exitCode === null) python.kill('SIGKILL');
    await served?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('passes its own unit tests', async () => {
    const tests = await run(
      PYTHON,
      ['-B', '-m', 'unittest', 'discover', '-s', 'tests'],
      SYSTEM_DIR,
    );
    expect(tests.stderr).toMatch(/Ran \d+ tests/);
    expect(tests.stderr.trimEnd()).toMatch(/OK( \(skipped=\d+\))?$/);
    expect(tests.code).toBe(0);
  }, 120_000);

  it('is registered, anchors every value once its key file appears, and keeps the key out of its output', async () => {
    const registered = await register(served?.registryUrl ?? '');
    expect(registered.code).toBe(PREFIX);
    writeFileSync(keyFile, registered.apiKey);
    chmodSync(keyFile, 0o600);
    const [first] = await anchorPasses(1);
    expect(first).toBe(`anchor pass: ${DEVICES.length * FIELDS.length} anchored, 0 unprovable`);
    const [, second] = await anchorPasses(2);
    expect(second).toBe('anchor pass: 0 anchored, 0 unprovable');
    expect(pythonOut + pythonErr).not.toContain(registered.apiKey);
  }, 120_000);

  it('refuses a request without a grant and a protocol version it does not speak, announcing its grant key', async () => {
    const entities = `{ _entities(representations: [{ __typename: "Device", id: "${DEVICES[0]}" }]) { ... on Device { inverterModel } } }`;
    const missingGrant = await askSystem(entities, { 'x-gridmark-protocol': '1' });
    expect(missingGrant.body).toMatchObject({
      data: { _entities: [null] },
      errors: [{ extensions: { code: 'GRANT_REFUSED', reason: 'MISSING' } }],
      extensions: {
        gridmark: { protocol: [1], grantKey: expect.stringMatching(GRANT_KEY) as string },
      },
    });
    const version2 = await askSystem(entities, { 'x-gridmark-protocol': '2' });
    expect(version2.body).toEqual({
      errors: [
        {
          message: expect.any(String) as string,
          extensions: { code: 'PROTOCOL_UNSUPPORTED', supported: [1] },
        },
      ],
      extensions: {
        gridmark: { protocol: [1], grantKey: expect.stringMatching(GRANT_KEY) as string },
      },
    });
  });

  it('passes gridmark system check', async (context) => {
    const help = await runGridmark(['system', 'check', '--help']);
    if (help.code !== 0) {
      process.stdout.write(
        `python-system.e2e: "gridmark system check" skipped: the command is not available here (exit ${help.code}: ${help.stderr.trim().split('\n')[0] ?? ''})\n`,
      );
      context.skip();
    }
    const check = await runGridmark([
      'system',
      'check',
      systemUrl,
      '--config',
      configFile,
      '--registry',
      served?.registryUrl ?? '',
      '--system-code',
      PREFIX,
      '--key-file',
      keyFile,
      '--audience',
      'mes',
      ...DEVICES.flatMap((d) => ['--device', d]),
    ]);
    // The report is printed only when a check failed, to say which.
    if (check.code !== 0)
      process.stdout.write(
        `python-system.e2e: gridmark system check:\n${check.stdout}${check.stderr}`,
      );
    expect(check.stdout).not.toMatch(/\bFAIL\b/);
    expect(check.code).toBe(0);
  }, 120_000);

  it('reaches an application through the gateway with every value VERIFIED', async () => {
    const answer = await answerWithStatuses();
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.devices?.[0]).toEqual({
      id: DEVICES[0],
      serialNumber: 'INV-0001',
      inverterModel: 'SG-110CX',
      ratedPowerKw: 110,
      mpptCount: 9,
      firmwareVersion: '2.4.1',
      manufacturedOn: '2026-03-02',
      factoryTest: { passed: true, efficiencyPct: 98.7 },
    });
    const all = statuses(answer);
    expect(Object.keys(all)).toHaveLength(DEVICES.length * FIELDS.length);
    expect(new Set(Object.values(all))).toEqual(new Set(['VERIFIED']));
  }, 60_000);

  it('has a value edited in its database behind its back withheld as TAMPERED, and does not anchor it again', async () => {
    const db = new Database(join(dir, 'mes.db'));
    db.prepare("UPDATE inverters SET firmware = '9.9.9' WHERE serial = 'INV-0002'").run();
    db.close();
    // A whole pass after the edit: the changed value of a REFUSE field is not anchored.
    const before = (await anchorPasses(1)).length;
    const passes = await anchorPasses(before + 2);
    expect(passes.slice(1).filter((p) => !p.startsWith('anchor pass: 0 anchored'))).toEqual([]);
    const answer = await queryGateway();
    const all = statuses(answer);
    expect(all[`${DEVICES[1]} firmwareVersion`]).toBe('TAMPERED');
    expect(answer.data?.devices?.[1]?.['firmwareVersion']).toBeNull();
    expect(answer.errors?.map((e) => e.extensions?.['code'])).toContain('TAMPERED');
    const others = Object.entries(all).filter(([key]) => key !== `${DEVICES[1]} firmwareVersion`);
    expect(new Set(others.map(([, status]) => status))).toEqual(new Set(['VERIFIED']));
  }, 60_000);

  it('serves a change made through its own write path VERIFIED: the new value is anchored, vouched', async () => {
    const update = await run(
      PYTHON,
      [
        '-B',
        '-m',
        'plant_mes',
        'update-firmware',
        '--config',
        join(dir, 'mes.json'),
        '--serial',
        'INV-0003',
        '--version',
        '3.0.1',
      ],
      SYSTEM_DIR,
    );
    expect(update.stdout).toContain('recorded firmware 3.0.1 of INV-0003; 1 values anchored');
    expect(update.code).toBe(0);
    const answer = await queryGateway();
    expect(answer.data?.devices?.[2]?.['firmwareVersion']).toBe('3.0.1');
    expect(statuses(answer)[`${DEVICES[2]} firmwareVersion`]).toBe('VERIFIED');
    // By now the gateway has taken up the grant key the system announces and seals its grants.
    expect(pythonErr).toMatch(/grant channel opened with the gateway, until \d+/);
    const unknown = await run(
      PYTHON,
      [
        '-B',
        '-m',
        'plant_mes',
        'update-firmware',
        '--config',
        join(dir, 'mes.json'),
        '--serial',
        'INV-0999',
        '--version',
        '1',
      ],
      SYSTEM_DIR,
    );
    expect(unknown.stderr).toContain('NOT_FOUND: the MES made no inverter INV-0999');
    expect(unknown.code).toBe(6);
  }, 60_000);

  it('stops on SIGTERM and exits 0', async () => {
    const exited = new Promise<number | null>((resolve) => python?.once('exit', resolve));
    python?.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(pythonOut).toContain('mes stopped');
  }, 60_000);
});
