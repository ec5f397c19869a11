import { createGraphqlClient, type GraphqlClient } from '../../../schema/index.js';

/** The demo's data application (patent [0069]-[0074]): PV device full-lifecycle management. */
export const DEMO_APPLICATION = {
  name: 'full-lifecycle management',
  function: 'full-lifecycle',
  roles: ['om-engineer', 'analyst'],
} as const;

/** What the analyst role may see: equipment, output and value, but no maintenance details. */
const ANALYST_FIELDS = new Set([
  'model',
  'brand',
  'ratedPowerW',
  'installLocation',
  'commissioningDate',
  'operatingStatus',
  'outputPowerW',
  'energyTodayKWh',
  'assetStatus',
  'assetValueFen',
]);

/**
 * Registers the demo application through the registry API and publishes its parsing rules to the
 * ledger: the O&M engineer gets every shared field, the analyst a subset. On a later run the
 * application exists: it gets a fresh key (the earlier runs' keys, each shown once, are revoked),
 * and the rules are published again (without the fields of a system the registry suspended).
 */
export async function registerDemoApplication(
  registryUrl: string,
  adminKey: string,
): Promise<{ readonly appId: string; readonly apiKey: string }> {
  const admin = createGraphqlClient({ url: registryUrl, apiKey: adminKey });
  let appId: string;
  let apiKey: string;
  try {
    const { registerApplication } = await admin.request<{
      registerApplication: { application: { appId: string }; apiKey: string };
    }>(
      'mutation ($name: String!, $roles: [String!]!) { registerApplication(name: $name, roles: $roles) { application { appId } apiKey } }',
      { name: DEMO_APPLICATION.name, roles: DEMO_APPLICATION.roles },
    );
    ({ appId } = registerApplication.application);
    ({ apiKey } = registerApplication);
  } catch (error) {
    if (!(error instanceof Error) || !('code' in error) || error.code !== 'ALREADY_REGISTERED')
      throw error;
    const { issueApplicationKey } = await admin.request<{
      issueApplicationKey: { appId: string; apiKey: string };
    }>('mutation ($name: String!) { issueApplicationKey(name: $name) { appId apiKey } }', {
      name: DEMO_APPLICATION.name,
    });
    ({ appId, apiKey } = issueApplicationKey);
    await revokeEarlierKeys(admin, appId, apiKey);
  }
  const listed = await admin.request<{
    fields: { code: string; name: string }[];
    systems: { code: string }[];
  }>('{ fields { code name } systems(status: ACTIVE) { code } }');
  // Rules name fields of active systems only: a suspended system's fields are not offered.
  const fields = listed.fields.filter((f) =>
    listed.systems.some((s) => f.code.startsWith(`${s.code}.`)),
  );
  const publish = (role: string, fieldCodes: string[]) =>
    admin.request(
      'mutation ($appId: ID!, $fn: String!, $role: String!, $codes: [ID!]!) { publishRule(appId: $appId, function: $fn, role: $role, fieldCodes: $codes) { txId } }',
      { appId, fn: DEMO_APPLICATION.function, role, codes: fieldCodes },
    );
  await publish(
    'om-engineer',
    fields.map((f) => f.code),
  );
  await publish(
    'analyst',
    fields.filter((f) => ANALYST_FIELDS.has(f.name)).map((f) => f.code),
  );
  return { appId, apiKey };
}

/** The demo application's opening balance: 1,000 yuan, credited once per data directory. */
export const DEMO_OPENING_BALANCE_FEN = 100_000;

/**
 * Tops the demo application up with its opening balance through the registry API, as a platform
 * admin recording a payment; on later runs the payment reference is already credited
 * (`DUPLICATE_PAYMENT`) and the balance stays as it is. Returns the balance.
 */
export async function fundDemoApplication(
  registryUrl: string,
  adminKey: string,
  appId: string,
): Promise<number> {
  const admin = createGraphqlClient({ url: registryUrl, apiKey: adminKey });
  try {
    await admin.request(
      'mutation ($app: ID!, $amount: Fen!) { topUp(applicationId: $app, amountFen: $amount, paymentReference: "demo-opening-balance") { balanceFen } }',
      { app: appId, amount: DEMO_OPENING_BALANCE_FEN },
    );
  } catch (error) {
    if (!(error instanceof Error) || !('code' in error) || error.code !== 'DUPLICATE_PAYMENT')
      throw error;
  }
  const { account } = await admin.request<{ account: { balanceFen: number } }>(
    'query ($app: ID!) { account(id: $app) { balanceFen } }',
    { app: appId },
  );
  return account.balanceFen;
}

/** Revokes every key of the application but `current` (a `gmk_<key id>_<secret>` key). */
async function revokeEarlierKeys(
  admin: GraphqlClient,
  appId: string,
  current: string,
): Promise<void> {
  const currentId = current.split('_')[1];
  const { applicationKeys } = await admin.request<{
    applicationKeys: { keyId: string; revokedAt: string | null }[];
  }>('query ($app: ID!) { applicationKeys(appId: $app) { keyId revokedAt } }', { app: appId });
  for (const key of applicationKeys.filter((k) => k.revokedAt === null && k.keyId !== currentId)) {
    await admin.request(
      'mutation ($app: ID!, $key: ID!) { revokeApplicationKey(appId: $app, keyId: $key) { keyId } }',
      { app: appId, key: key.keyId },
    );
  }
}
