import { errorsAt, firstError } from './answer-reading.js';
import { fail, pass, skip, type CheckResult } from './conformance-report.js';
import { readDeviceSchema, type DeviceSchema } from './device-schema.js';
import type { RegistryReader } from './registry-reader.js';
import type { SystemClient } from './system-client.js';

/** One element of an SDL that the schema rules refuse. */
export interface SchemaRuleViolation {
  readonly element: string;
  readonly rule: string;
  readonly reason: string;
}

/**
 * The gateway's schema rules (its schema policy), handed in by the caller: this room does not
 * import the gateway. Returns the violations of `sdl`, most powerful first; none when it keeps them.
 */
export type SchemaRules = (
  sdl: string,
  subject: {
    readonly subgraphName: string;
    readonly fieldsOwnedElsewhere: ReadonlyMap<string, string>;
    readonly typesOwnedElsewhere: ReadonlyMap<string, string>;
  },
) => readonly SchemaRuleViolation[];

/** The SDL a system answered, and what the checks read of it. */
export interface ServedSchema {
  readonly sdl: string;
  readonly schema: DeviceSchema;
}

/**
 * `{ _service { sdl } }` answers, without a grant, an SDL with a `Device` type and at least one
 * field of its own.
 */
export async function serviceCheck(
  client: SystemClient,
): Promise<{ result: CheckResult; served?: ServedSchema }> {
  const name = 'service-sdl';
  const { body } = await client.post(name, '{ _service { sdl } }', {});
  const service = body.data?.['_service'] as { sdl?: unknown } | null | undefined;
  if (typeof service?.sdl !== 'string' || service.sdl.trim() === '')
    return { result: fail(name, `no SDL in _service { sdl } (${firstError(errorsAt(body))})`) };
  const schema = readDeviceSchema(service.sdl);
  if (!schema) return { result: fail(name, 'the SDL does not parse or declares no Device type') };
  if (schema.fields.length === 0)
    return { result: fail(name, 'the SDL declares no Device field besides id') };
  return {
    result: pass(name, `answered an SDL with ${schema.fields.length} Device field(s)`),
    served: { sdl: service.sdl, schema },
  };
}

/** The SDL keeps the gateway's schema rules (the registry's fields of other systems count as theirs). */
export async function schemaRulesCheck(options: {
  readonly sdl: string;
  readonly audience: string;
  readonly rules?: SchemaRules;
  readonly registry?: RegistryReader;
  readonly systemCode?: string;
}): Promise<CheckResult> {
  const name = 'schema-rules';
  if (!options.rules) return skip(name, 'no schema rules given');
  const owned = new Map<string, string>();
  if (options.registry && options.systemCode) {
    for (const field of await options.registry.fields())
      if (field.systemCode !== options.systemCode) owned.set(field.name, field.systemCode);
  }
  const violations = options.rules(options.sdl, {
    subgraphName: options.audience,
    fieldsOwnedElsewhere: owned,
    typesOwnedElsewhere: new Map(),
  });
  const first = violations[0];
  if (first)
    return fail(
      name,
      `${first.element} breaks rule ${first.rule}: ${first.reason}${violations.length > 1 ? ` (and ${violations.length - 1} more)` : ''}`,
    );
  return pass(
    name,
    `the SDL keeps the schema rules${owned.size > 0 ? `, ${owned.size} field(s) of other systems checked` : ''}`,
  );
}
