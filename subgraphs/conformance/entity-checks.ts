import {
  entitiesOf,
  entityAt,
  errorsAt,
  firstError,
  printable,
  refusalReasons,
} from './answer-reading.js';
import { fieldNames, type CheckContext } from './check-context.js';
import { fail, pass, type CheckResult } from './conformance-report.js';
import { entitiesQuery, representationsOf } from './device-schema.js';

/** How many held devices the order check asks for. */
const ORDER_DEVICES = 3;

/** `_entities` answers a valid grant with one entry per representation, in their order. */
export async function entitiesOrderCheck(context: CheckContext): Promise<CheckResult> {
  const name = 'entities-in-order';
  const devices = [...context.devices.slice(0, ORDER_DEVICES)].reverse();
  const grant = context.minter.sign(context.minter.claims(devices, fieldNames(context)));
  const { body } = await context.client.post(
    name,
    entitiesQuery(context.schema.fields),
    { representations: representationsOf(devices) },
    grant,
  );
  const refused = refusalReasons(errorsAt(body));
  if (refused.length > 0) return fail(name, `refused a valid grant (GRANT_REFUSED ${refused[0]})`);
  const entities = entitiesOf(body);
  if (entities === null)
    return fail(name, `answered no _entities list (${firstError(body.errors ?? [])})`);
  if (entities.length !== devices.length)
    return fail(name, `answered ${entities.length} entries for ${devices.length} representations`);
  for (const [i, id] of devices.entries()) {
    const entry = entityAt(body, i);
    if (entry === null) return fail(name, `answered null for ${id}, which the system should hold`);
    if (entry['id'] !== id)
      return fail(
        name,
        `entry ${i} is ${printable(entry['id'])}, not ${id}: not in the order asked`,
      );
    if (entry['__typename'] !== 'Device')
      return fail(name, `entry ${i} is a ${printable(entry['__typename'])}, not a Device`);
  }
  return pass(name, `${devices.length} device(s) answered in the order asked, with a valid grant`);
}

/** `_entities` answers `null`, and no error, for a device the system does not hold. */
export async function unknownDeviceCheck(context: CheckContext): Promise<CheckResult> {
  const name = 'entities-unknown-null';
  const devices = [...context.devices.slice(0, 1), context.unknownDevice];
  const grant = context.minter.sign(context.minter.claims(devices, fieldNames(context)));
  const { body } = await context.client.post(
    name,
    entitiesQuery(context.schema.fields),
    { representations: representationsOf(devices) },
    grant,
  );
  const entities = entitiesOf(body);
  if (entities?.length !== 2)
    return fail(
      name,
      `answered ${entities?.length ?? 'no'} _entities entries for 2 representations`,
    );
  if (entityAt(body, 0) === null) return fail(name, `answered null for held ${devices[0]}`);
  if (entities[1] !== null)
    return fail(
      name,
      `answered ${printable(entities[1])} for ${context.unknownDevice}, which no system holds`,
    );
  const errors = errorsAt(body, ['_entities', 1]);
  if (errors.length > 0)
    return fail(name, `answered null with an error (${firstError(errors)}) for an unknown device`);
  return pass(name, `null, without an error, for ${context.unknownDevice}`);
}
