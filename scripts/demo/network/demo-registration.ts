import { join } from 'node:path';
import {
  GridmarkError,
  createGraphqlClient,
  type GraphqlClient,
  type Logger,
} from '../../../schema/index.js';
import { DEMO_SYSTEMS, type DemoSystem } from '../systems/demo-systems.js';
import { listIdentifierHoldings, openSystemDatabase } from '../systems/sqlite-store.js';

const BATCH = 2_000;

/** Options of {@link registerDemoSystems}. */
export interface DemoRegistrationOptions {
  readonly registryUrl: string;
  /** A platform admin key: it onboards the five enterprises (or, on a later run, issues their operators new keys). */
  readonly adminKey: string;
  readonly dataDir: string;
  /** Where each demo system serves its subgraph now. */
  readonly urls: ReadonlyMap<string, string>;
  readonly logger: Logger;
  /**
   * Keys that act for systems already registered (kept from an earlier run, e.g. in their API key
   * files): such a system is re-registered with its key, and no further key is issued.
   */
  readonly knownKeys?: ReadonlyMap<string, string>;
}

/**
 * Onboards the enterprise behind a demo system as a platform admin does, and returns a key of its
 * operator: a new account on the first run; on a later run the account exists and the admin
 * issues its operator a further key (the keys of earlier runs were shown once and not kept).
 */
async function operatorKeyOf(
  admin: GraphqlClient,
  enterprise: { readonly name: string; readonly creditCode: string },
): Promise<string> {
  const { enterprise: known } = await admin.request<{ enterprise: { status: string } | null }>(
    'query ($c: String!) { enterprise(creditCode: $c) { status } }',
    { c: enterprise.creditCode },
  );
  if (known === null) {
    const { createEnterprise } = await admin.request<{ createEnterprise: { apiKey: string } }>(
      'mutation ($input: EnterpriseInput!) { createEnterprise(input: $input) { apiKey } }',
      { input: { creditCode: enterprise.creditCode, name: enterprise.name } },
    );
    return createEnterprise.apiKey;
  }
  const { issueEnterpriseKey } = await admin.request<{ issueEnterpriseKey: { apiKey: string } }>(
    'mutation ($c: String!) { issueEnterpriseKey(creditCode: $c) { apiKey } }',
    { c: enterprise.creditCode },
  );
  return issueEnterpriseKey.apiKey;
}

/**
 * Registers the five demo business systems through the registry API, as their operators would:
 * a platform admin onboards each enterprise and hands its operator key over; with it, the operator
 * registers the system (credit code, URL), its fields with fee standards, its own devices and its
 * claims on devices other systems identified. On a later run the systems exist already: their
 * operators point them at their new URLs and the device registrations are re-sent, which changes
 * nothing (registration is idempotent). A system the registry suspended (or revoked) is left as
 * it is. Returns, per system registered, its code and a key that acts for it.
 */
export async function registerDemoSystems(
  options: DemoRegistrationOptions,
): Promise<ReadonlyMap<string, { readonly code: string; readonly apiKey: string }>> {
  const operators = new Map<string, { code: string; apiKey: string }>();
  const admin = createGraphqlClient({ url: options.registryUrl, apiKey: options.adminKey });
  const { systems } = await admin.request<{
    systems: { code: string; subgraphName: string; status: string }[];
  }>('{ systems { code subgraphName status } }');
  for (const system of DEMO_SYSTEMS) {
    const url = options.urls.get(system.name);
    if (url === undefined)
      throw new GridmarkError('BAD_CONFIGURATION', `no URL for demo system ${system.name}`);
    const existing = systems.find((s) => s.subgraphName === system.name);
    if (existing && existing.status !== 'ACTIVE') {
      // A suspended system stays out of the supergraph until an admin reinstates it.
      options.logger.warn(
        `${system.name} (${existing.code}) is ${existing.status.toLowerCase()} at the registry: not re-registered; its fields stay out of the supergraph`,
      );
      continue;
    }
    const known = existing ? options.knownKeys?.get(system.name) : undefined;
    const operator =
      existing && known
        ? await pointSystemAt(existing.code, known, url, options.registryUrl)
        : await registerSystem(admin, system, existing, url, options.registryUrl);
    const { code } = operator;
    if (code !== system.prefix) {
      throw new GridmarkError(
        'BAD_CONFIGURATION',
        `the registry assigned ${code} to ${system.name}, but the demo data was issued under ${system.prefix}; start again with --reseed`,
      );
    }
    const fields = fieldsToRegister(system, options.dataDir);
    await operator.client.request(
      'mutation ($code: ID!, $fields: [FieldInput!]!) { registerFields(systemCode: $code, fields: $fields) { code } }',
      { code, fields },
    );
    const devices = await registerDevices(operator.client, code, system, options.dataDir);
    options.logger.info(
      `${existing ? 're-registered' : 'registered'} ${system.name} as ${code}: ${fields.length} fields, ${devices.own} own devices, ${devices.claims} claims (${devices.registered} new)`,
    );
    operators.set(system.name, { code, apiKey: operator.apiKey });
  }
  return operators;
}

/** A system's operator at the registry: the system's code, a key acting for it, a client with that key. */
interface SystemOperator {
  readonly code: string;
  readonly apiKey: string;
  readonly client: GraphqlClient;
}

/** Points a registered system at `url` with a key that acts for it. */
async function pointSystemAt(
  code: string,
  apiKey: string,
  url: string,
  registryUrl: string,
): Promise<SystemOperator> {
  const client = createGraphqlClient({ url: registryUrl, apiKey });
  await client.request(
    'mutation ($code: ID!, $url: String!) { updateSystemEndpoint(code: $code, url: $url) { code } }',
    { code, url },
  );
  return { code, apiKey, client };
}

/**
 * Registers a demo system as its operator (credit code, URL), or, when the registry knows it
 * already, points it at its new URL.
 */
async function registerSystem(
  admin: GraphqlClient,
  system: DemoSystem,
  existing: { readonly code: string } | undefined,
  url: string,
  registryUrl: string,
): Promise<SystemOperator> {
  const operatorKey = await operatorKeyOf(admin, system.enterprise);
  const operator = createGraphqlClient({ url: registryUrl, apiKey: operatorKey });
  if (existing) {
    await operator.request(
      'mutation ($code: ID!, $url: String!) { updateSystemEndpoint(code: $code, url: $url) { code } }',
      { code: existing.code, url },
    );
    return { code: existing.code, apiKey: operatorKey, client: operator };
  }
  const input = {
    creditCode: system.enterprise.creditCode,
    systemName: system.title,
    subgraphName: system.name,
    description: system.description,
    url,
  };
  const { registerSystem } = await operator.request<{
    registerSystem: { system: { code: string }; apiKey: string };
  }>(
    'mutation ($input: RegisterSystemInput!) { registerSystem(input: $input) { system { code } apiKey } }',
    { input },
  );
  // The system's own key acts for this system only: what the running system holds.
  const { apiKey } = registerSystem;
  return {
    code: registerSystem.system.code,
    apiKey,
    client: createGraphqlClient({ url: registryUrl, apiKey }),
  };
}

/**
 * Registers the devices a system issued the identifiers of, and claims those other systems
 * issued, in batches. Returns how many of each it sent and how many the registry took as new.
 */
async function registerDevices(
  operator: GraphqlClient,
  code: string,
  system: DemoSystem,
  dataDir: string,
): Promise<{ own: number; claims: number; registered: number }> {
  const db = openSystemDatabase(join(dataDir, `${system.name}.db`), { readonly: true });
  let holdings;
  try {
    holdings = listIdentifierHoldings(db);
  } finally {
    db.close();
  }
  const own = holdings
    .filter((h) => h.identifier === `${code}/${h.localCode}`)
    .map((h) => ({ localCode: h.localCode, kind: h.kind }));
  const claims = holdings
    .filter((h) => h.identifier !== `${code}/${h.localCode}`)
    .map((h) => ({ identifier: h.identifier, localCode: h.localCode }));
  let registered = 0;
  for (let i = 0; i < own.length; i += BATCH) {
    const { registerDevices } = await operator.request<{
      registerDevices: { registered: number };
    }>(
      'mutation ($code: ID!, $devices: [DeviceInput!]!) { registerDevices(systemCode: $code, devices: $devices) { registered } }',
      { code, devices: own.slice(i, i + BATCH) },
    );
    registered += registerDevices.registered;
  }
  // Claims name identifiers other systems issue: those register first (DEMO_SYSTEMS is in issuing order).
  for (let i = 0; i < claims.length; i += BATCH) {
    const { claimDevices } = await operator.request<{ claimDevices: { registered: number } }>(
      'mutation ($code: ID!, $claims: [ClaimInput!]!) { claimDevices(systemCode: $code, claims: $claims) { registered } }',
      { code, claims: claims.slice(i, i + BATCH) },
    );
    registered += claimDevices.registered;
  }
  return { own: own.length, claims: claims.length, registered };
}

/** A demo system's fields as it registers them: fee standards, and the change policies it declares. */
function fieldsToRegister(
  system: DemoSystem,
  dataDir: string,
): { name: string; feeFen: number; changePolicy: 'REFUSE' | 'RELEASE_UNVERIFIED' }[] {
  const db = openSystemDatabase(join(dataDir, `${system.name}.db`), { readonly: true });
  try {
    const live = new Set(
      system
        .declare(db)
        .fields.filter((f) => f.changePolicy === 'release-unverified')
        .map((f) => f.name),
    );
    return Object.entries(system.feesFen).map(([name, feeFen]) => ({
      name,
      feeFen,
      changePolicy: live.has(name) ? 'RELEASE_UNVERIFIED' : 'REFUSE',
    }));
  } finally {
    db.close();
  }
}
