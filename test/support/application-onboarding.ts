import type { GraphqlClient } from '../../schema/index.js';

/**
 * Registers an application `lifecycle` with the role `om`, publishes its rule for the function
 * `lifecycle` over `fieldCodes`, and tops its account up with `amountFen`, all through the
 * registry API as the admin `admin`. Returns the application's API key.
 */
export async function openLifecycleApplication(
  admin: GraphqlClient,
  fieldCodes: readonly string[],
  amountFen: number,
): Promise<string> {
  const { registerApplication } = await admin.request<{
    registerApplication: { application: { appId: string }; apiKey: string };
  }>(
    'mutation { registerApplication(name: "lifecycle", roles: ["om"]) { application { appId } apiKey } }',
  );
  const appId = registerApplication.application.appId;
  await admin.request(
    'mutation ($app: ID!, $codes: [ID!]!) { publishRule(appId: $app, function: "lifecycle", role: "om", fieldCodes: $codes) { txId } }',
    { app: appId, codes: fieldCodes },
  );
  await admin.request(
    'mutation ($app: ID!, $amount: Fen!) { topUp(applicationId: $app, amountFen: $amount, paymentReference: "opening") { balanceFen } }',
    { app: appId, amount: amountFen },
  );
  return registerApplication.apiKey;
}
