import { codeOf, errorsAt, printable, servedValues } from './answer-reading.js';
import { fieldNames, type CheckContext } from './check-context.js';
import { fail, pass, type CheckResult } from './conformance-report.js';
import { entitiesQuery, representationsOf } from './device-schema.js';
import { PROTOCOL_VERSION, type SystemAnswer } from './system-client.js';

/** The versions an answer announces in `extensions.gridmark.protocol`, or null. */
function announced(answer: SystemAnswer): readonly unknown[] | null {
  const gridmark = answer.body.extensions?.['gridmark'] as { protocol?: unknown } | undefined;
  return Array.isArray(gridmark?.protocol) ? gridmark.protocol : null;
}

/** Every answer the system gave announces the protocol versions it speaks, version 1 among them. */
export function protocolCheck(answers: readonly SystemAnswer[]): CheckResult {
  const name = 'protocol-announced';
  if (answers.length === 0) return fail(name, 'the system gave no answer');
  for (const answer of answers) {
    const versions = announced(answer);
    if (versions === null)
      return fail(name, `the answer to ${answer.check} has no extensions.gridmark.protocol`);
    if (!versions.every((v) => Number.isSafeInteger(v)))
      return fail(
        name,
        `the answer to ${answer.check} announces ${printable(versions)}, not integers`,
      );
    if (!versions.includes(PROTOCOL_VERSION))
      return fail(
        name,
        `the answer to ${answer.check} announces ${printable(versions)}, without version ${PROTOCOL_VERSION}`,
      );
  }
  return pass(name, `all ${answers.length} answers announce version ${PROTOCOL_VERSION}`);
}

/** A version no system speaks yet, for {@link unsupportedVersionCheck}. */
const UNSPOKEN_VERSION = '9999';

/**
 * A request naming a protocol version the system does not speak is refused as a whole,
 * `PROTOCOL_UNSUPPORTED` with `extensions.supported`, even with a valid grant.
 */
export async function unsupportedVersionCheck(context: CheckContext): Promise<CheckResult> {
  const name = 'protocol-unsupported-version';
  const devices = context.devices.slice(0, 1);
  const grant = context.minter.sign(context.minter.claims(devices, fieldNames(context)));
  const { body } = await context.client.post(
    name,
    entitiesQuery(context.schema.fields),
    { representations: representationsOf(devices) },
    grant,
    UNSPOKEN_VERSION,
  );
  const served = servedValues(body, fieldNames(context));
  if (served > 0)
    return fail(name, `served ${served} value(s) to a request of version ${UNSPOKEN_VERSION}`);
  const refusal = errorsAt(body).find((e) => codeOf(e).code === 'PROTOCOL_UNSUPPORTED');
  if (!refusal)
    return fail(
      name,
      `answered ${errorsAt(body).map((e) => codeOf(e).code)[0] ?? 'no error'} to version ${UNSPOKEN_VERSION}, not PROTOCOL_UNSUPPORTED`,
    );
  const supported = refusal.extensions?.['supported'];
  if (!Array.isArray(supported) || !supported.includes(PROTOCOL_VERSION))
    return fail(
      name,
      `PROTOCOL_UNSUPPORTED without extensions.supported naming version ${PROTOCOL_VERSION}`,
    );
  return pass(
    name,
    `version ${UNSPOKEN_VERSION}: refused, PROTOCOL_UNSUPPORTED, supported ${printable(supported)}`,
  );
}
