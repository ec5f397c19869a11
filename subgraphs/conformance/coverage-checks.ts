import { entitiesOf, entityAt, errorsAt, firstError, refusalReasons } from './answer-reading.js';
import { fieldNames, type CheckContext } from './check-context.js';
import { fail, pass, skip, type CheckResult } from './conformance-report.js';
import { entitiesQuery, representationsOf } from './device-schema.js';

/** A grant without one of the fields asked for: that field is refused, `NOT_COVERED`. */
export async function fieldCoverageCheck(context: CheckContext): Promise<CheckResult> {
  const name = 'grant-field-not-granted';
  const [withheld, ...granted] = fieldNames(context);
  if (withheld === undefined) return skip(name, 'the SDL declares no Device field');
  const device = context.devices.slice(0, 1);
  const grant = context.minter.sign(context.minter.claims(device, granted));
  const { body } = await context.client.post(
    name,
    entitiesQuery(context.schema.fields),
    { representations: representationsOf(device) },
    grant,
  );
  const value = entityAt(body, 0)?.[withheld];
  if (value !== null && value !== undefined)
    return fail(name, `served Device.${withheld}, which the grant does not list`);
  const reasons = refusalReasons(errorsAt(body, ['_entities', 0]));
  if (reasons.includes('NOT_COVERED'))
    return pass(name, `Device.${withheld}, not in the grant: refused, GRANT_REFUSED NOT_COVERED`);
  return fail(
    name,
    `Device.${withheld}, not in the grant, was null but answered ${firstError(errorsAt(body))}, not GRANT_REFUSED NOT_COVERED`,
  );
}

/** A grant without one of the devices asked for: that device is refused, `NOT_COVERED`. */
export async function deviceCoverageCheck(context: CheckContext): Promise<CheckResult> {
  const name = 'grant-device-not-granted';
  const [granted] = context.devices;
  if (granted === undefined) return skip(name, 'no device to ask for');
  const other = context.devices[1] ?? context.unknownDevice;
  const grant = context.minter.sign(context.minter.claims([granted], fieldNames(context)));
  const { body } = await context.client.post(
    name,
    entitiesQuery(context.schema.fields),
    { representations: representationsOf([granted, other]) },
    grant,
  );
  const entities = entitiesOf(body);
  if (entities?.length !== 2)
    return fail(
      name,
      `answered ${entities?.length ?? 'no'} _entities entries for 2 representations`,
    );
  const entry = entityAt(body, 1);
  const leaked = fieldNames(context).filter((f) => entry?.[f] !== null && entry?.[f] !== undefined);
  if (leaked.length > 0)
    return fail(name, `served ${leaked.join(', ')} of ${other}, which the grant does not list`);
  const reasons = refusalReasons(errorsAt(body, ['_entities', 1]));
  if (reasons.includes('NOT_COVERED'))
    return pass(name, `${other}, not in the grant: refused, GRANT_REFUSED NOT_COVERED`);
  return fail(
    name,
    `${other}, not in the grant, answered ${firstError(errorsAt(body, ['_entities', 1]))}, not GRANT_REFUSED NOT_COVERED`,
  );
}
