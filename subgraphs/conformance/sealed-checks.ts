import { randomUUID } from 'node:crypto';
import {
  isGrantKey,
  newGrantKeyPair,
  openGrantChannel,
  sealGrant,
  type Grant,
} from '../../schema/index.js';
import { errorsAt, firstError, refusalReasons, servedValues } from './answer-reading.js';
import { fieldNames, type CheckContext } from './check-context.js';
import { fail, notApplicable, pass, type CheckResult } from './conformance-report.js';
import { entitiesQuery, representationsOf } from './device-schema.js';
import type { SystemAnswer } from './system-client.js';

/** The grant key a system announced in `extensions.gridmark.grantKey`, if any answer did. */
function announcedGrantKey(answers: readonly SystemAnswer[]): string | undefined {
  for (const answer of answers) {
    const gridmark = answer.body.extensions?.['gridmark'] as { grantKey?: unknown } | undefined;
    if (isGrantKey(gridmark?.grantKey)) return gridmark.grantKey;
  }
  return undefined;
}

/** A grant sealed for `systemKey` in a channel the checks open with the gateway's key. */
function sealedFor(context: CheckContext, systemKey: string): string {
  const now = context.now();
  const channel = openGrantChannel({
    system: context.audience,
    systemKey,
    gatewayKey: newGrantKeyPair(),
    signingKey: context.signingKey.privateKey,
    exp: now + 600_000,
    now,
  });
  const grant: Grant = {
    v: 1,
    app: 'APP-CONFORMANCE',
    fn: 'conformance-check',
    role: '*',
    sys: context.audience,
    devices: context.devices.slice(0, 1),
    fields: fieldNames(context),
    res: `conformance-${randomUUID()}`,
    exp: now + 30_000,
    nonce: randomUUID(),
  };
  return sealGrant(grant, channel, now);
}

/**
 * The optional sealed grants (docs/protocol.md, "Sealed grants"): a system that announces a grant
 * key serves a grant sealed for that key, and refuses one sealed for another key with
 * `STALE_KEY`. Skipped for a system that announces none.
 */
export async function sealedGrantChecks(context: CheckContext): Promise<CheckResult[]> {
  const accepted = 'sealed-grant-accepted';
  const stale = 'sealed-grant-stale-key';
  const key = announcedGrantKey(context.client.answers);
  if (key === undefined) {
    const reason = 'the system announces no grantKey: sealed grants are optional';
    return [notApplicable(accepted, reason), notApplicable(stale, reason)];
  }
  const ask = (check: string, grant: string) =>
    context.client.post(
      check,
      entitiesQuery(context.schema.fields),
      { representations: representationsOf(context.devices.slice(0, 1)) },
      grant,
    );
  const first = await ask(accepted, sealedFor(context, key));
  const refused = refusalReasons(errorsAt(first.body));
  const served = servedValues(first.body, fieldNames(context));
  const acceptedResult =
    refused.length > 0
      ? fail(accepted, `refused a grant sealed for its announced key (GRANT_REFUSED ${refused[0]})`)
      : served === 0
        ? fail(
            accepted,
            `served nothing for a grant sealed for its key (${firstError(errorsAt(first.body))})`,
          )
        : pass(accepted, `served ${served} value(s) for a grant sealed for its announced key`);
  const second = await ask(stale, sealedFor(context, newGrantKeyPair().publicKey));
  const leaked = servedValues(second.body, fieldNames(context));
  const reasons = refusalReasons(errorsAt(second.body));
  const staleResult =
    leaked > 0
      ? fail(stale, `served ${leaked} value(s) for a grant sealed for another key`)
      : reasons.includes('STALE_KEY')
        ? pass(stale, 'a grant sealed for another key: refused, GRANT_REFUSED STALE_KEY')
        : fail(
            stale,
            `a grant sealed for another key: answered ${firstError(errorsAt(second.body))}, not GRANT_REFUSED STALE_KEY`,
          );
  return [acceptedResult, staleResult];
}
