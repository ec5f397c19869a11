import { generateKeyPairSync } from 'node:crypto';
import { errorsAt, firstError, refusalReasons, servedValues } from './answer-reading.js';
import { fieldNames, type CheckContext } from './check-context.js';
import { fail, pass, type CheckResult } from './conformance-report.js';
import { entitiesQuery, representationsOf } from './device-schema.js';
import { keyIdOf } from './grant-minter.js';
import type { GraphqlBody } from './system-client.js';

/** A grant a system must refuse as a whole, and the reason it must give. */
interface WholeRefusal {
  readonly name: string;
  /** What is wrong with the grant, for the report: "a grant signed by another key". */
  readonly what: string;
  readonly reason: string;
  readonly grant: (context: CheckContext) => string | undefined;
}

const seconds = (context: CheckContext) => Math.floor(context.now() / 1000);
const claimsFor = (context: CheckContext, overrides: Record<string, unknown> = {}) =>
  context.minter.claims(context.devices.slice(0, 1), fieldNames(context), overrides);
const otherKey = () => generateKeyPairSync('ed25519').privateKey;

/** Every whole-request refusal, in the order a system checks them. */
const WHOLE_REFUSALS: readonly WholeRefusal[] = [
  { name: 'grant-missing', what: 'no grant', reason: 'MISSING', grant: () => undefined },
  {
    name: 'grant-malformed',
    what: 'a grant that is not a JWS',
    reason: 'MALFORMED',
    grant: () => 'not-a-grant',
  },
  {
    name: 'grant-alg-none',
    what: 'an unsigned grant (alg none)',
    reason: 'MALFORMED',
    grant: (c) => c.minter.unsigned(claimsFor(c)),
  },
  {
    name: 'grant-wrong-typ',
    what: 'a grant of typ JWT',
    reason: 'MALFORMED',
    grant: (c) => c.minter.sign(claimsFor(c), { header: { typ: 'JWT' } }),
  },
  {
    name: 'grant-expiry-in-milliseconds',
    what: 'a grant whose exp is in milliseconds (a lifetime of years)',
    reason: 'MALFORMED',
    grant: (c) => c.minter.sign(claimsFor(c, { exp: c.now() + 30_000 })),
  },
  {
    name: 'grant-unknown-key',
    what: 'a grant signed by a key the gateway does not publish',
    reason: 'UNKNOWN_KEY',
    grant: (c) => {
      const key = otherKey();
      return c.minter.sign(claimsFor(c), { key, header: { kid: keyIdOf(key) } });
    },
  },
  {
    name: 'grant-forged',
    what: "a grant signed by another key under the gateway's key id",
    reason: 'BAD_SIGNATURE',
    grant: (c) => c.minter.sign(claimsFor(c), { key: otherKey() }),
  },
  {
    name: 'grant-wrong-system',
    what: 'a grant for another system',
    reason: 'WRONG_SYSTEM',
    grant: (c) => c.minter.sign(claimsFor(c, { aud: `${c.audience}-other` })),
  },
  {
    name: 'grant-expired',
    what: 'a grant that expired 90 s ago',
    reason: 'EXPIRED',
    grant: (c) => c.minter.sign(claimsFor(c, { iat: seconds(c) - 120, exp: seconds(c) - 90 })),
  },
  {
    name: 'grant-not-yet-valid',
    what: 'a grant issued 120 s in the future',
    reason: 'NOT_YET_VALID',
    grant: (c) => c.minter.sign(claimsFor(c, { iat: seconds(c) + 120, exp: seconds(c) + 150 })),
  },
];

/** Sends `grant` for the first device with every field selected. */
function askFirstDevice(
  context: CheckContext,
  check: string,
  grant: string | undefined,
): Promise<{ body: GraphqlBody }> {
  return context.client.post(
    check,
    entitiesQuery(context.schema.fields),
    { representations: representationsOf(context.devices.slice(0, 1)) },
    grant,
  );
}

/** Judges an answer to a grant that must be refused as a whole with `reason`. */
export function judgeRefusal(
  name: string,
  what: string,
  reason: string,
  body: GraphqlBody,
  fields: readonly string[],
): CheckResult {
  const served = servedValues(body, fields);
  if (served > 0) return fail(name, `served ${served} value(s) with ${what}`);
  const reasons = refusalReasons(errorsAt(body));
  if (reasons.includes(reason)) return pass(name, `${what}: refused, GRANT_REFUSED ${reason}`);
  if (reasons.length > 0)
    return fail(name, `${what}: refused with reason ${reasons[0]}, not ${reason}`);
  return fail(
    name,
    `${what}: answered ${firstError(body.errors ?? [])}, not GRANT_REFUSED with extensions.reason ${reason}`,
  );
}

/** One check of a system, by name. */
export type NamedCheck = readonly [
  name: string,
  run: (context: CheckContext) => Promise<CheckResult>,
];

/** The checks of grants a system must refuse as a whole, in order. */
export const WHOLE_REFUSAL_CHECKS: readonly NamedCheck[] = WHOLE_REFUSALS.map((refusal) => [
  refusal.name,
  async (context: CheckContext) => {
    const grant = refusal.grant(context);
    const { body } = await askFirstDevice(context, refusal.name, grant);
    // A refusal names the reason, never the credential it refuses.
    const signature = grant?.split('.')[2];
    if (signature && signature.length > 20 && JSON.stringify(body).includes(signature))
      return fail(refusal.name, `${refusal.what}: the answer repeats the grant`);
    return judgeRefusal(refusal.name, refusal.what, refusal.reason, body, fieldNames(context));
  },
]);

/** A valid grant is honoured once: the same grant again is `REPLAYED`. */
export async function replayCheck(context: CheckContext): Promise<CheckResult> {
  const name = 'grant-replayed';
  const grant = context.minter.sign(claimsFor(context));
  const first = await askFirstDevice(context, name, grant);
  const refused = refusalReasons(errorsAt(first.body));
  if (refused.length > 0) return fail(name, `refused a valid grant the first time (${refused[0]})`);
  const again = await askFirstDevice(context, name, grant);
  return judgeRefusal(
    name,
    'the same grant a second time',
    'REPLAYED',
    again.body,
    fieldNames(context),
  );
}
