import { parse, Kind } from 'graphql';
import { GridmarkError, RESERVED_DEVICE_FIELDS, isValidSuffix } from '../../schema/index.js';
import { CATALOG_SDL, CATALOG_SUBGRAPH, type DeviceKind } from '../catalog/index.js';
import { policySubject, requireSubgraphSchema } from '../supergraph/index.js';
import { fetchBadPortMessage, fetchBadPortOf } from '../../schema/index.js';
import type { RegistryStore } from './registry-store.js';

/** Device kinds a registration may name. */
export const DEVICE_KINDS: ReadonlySet<DeviceKind> = new Set([
  'MODULE',
  'STRING',
  'COMBINER_BOX',
  'INVERTER',
  'TRANSFORMER',
  'METER',
  'OTHER',
]);

/** Throws `BAD_INPUT` naming the value. */
export function badInput(message: string, details: Record<string, unknown> = {}): never {
  throw new GridmarkError('BAD_INPUT', message, { details });
}

/** A non-empty, trimmed text of at most `max` characters without control characters. */
export function requireText(value: unknown, name: string, max = 200): string {
  if (
    typeof value !== 'string' ||
    value.trim() === '' ||
    value.length > max ||
    hasControlCharacter(value)
  ) {
    badInput(`${name} must be 1-${max} printable characters.`, { field: name });
  }
  return value.trim();
}

function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) < 0x20) return true;
  return false;
}

/** A fee standard: null (free) or a non-negative integer number of fen, no floating point money. */
export function requireFee(value: unknown, field: string): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    badInput(
      `the fee of ${field} must be a non-negative integer number of fen, not ${JSON.stringify(value)}.`,
      { field },
    );
  }
  return value;
}

/**
 * An http(s) URL without credentials.
 * @throws GridmarkError `BAD_INPUT` (not a URL), `URL_NOT_ALLOWED` (another scheme, credentials, or a
 *   port `fetch` refuses; `details.reason` `SCHEME`, `CREDENTIALS`, `PORT`).
 */
export function requireSubgraphUrl(value: unknown): string {
  const text = requireText(value, 'url', 500);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return badInput(`url "${text}" is not a URL.`, { field: 'url' });
  }
  if (!['http:', 'https:'].includes(url.protocol))
    throw new GridmarkError(
      'URL_NOT_ALLOWED',
      `the registry calls http and https URLs only, not ${url.protocol.replace(/:$/, '')}.`,
      { details: { field: 'url', reason: 'SCHEME' } },
    );
  if (url.username || url.password)
    throw new GridmarkError('URL_NOT_ALLOWED', 'url must not carry a user name or password.', {
      details: { field: 'url', reason: 'CREDENTIALS' },
    });
  const badPort = fetchBadPortOf(url);
  if (badPort !== undefined)
    throw new GridmarkError('URL_NOT_ALLOWED', `url ${fetchBadPortMessage(badPort)}`, {
      details: { field: 'url', reason: 'PORT' },
    });
  return url.toString();
}

/** A subgraph name: lower-case letters, digits, dashes. */
export function requireSubgraphName(value: unknown): string {
  const text = requireText(value, 'subgraphName', 40);
  if (!/^[a-z][a-z0-9-]{0,39}$/.test(text) || text === 'catalog')
    badInput(
      'subgraphName must be lower-case letters, digits and dashes, starting with a letter, and not "catalog".',
      { field: 'subgraphName' },
    );
  return text;
}

/** A shareable field name as the kit allows it. */
export function requireFieldName(value: unknown): string {
  const text = requireText(value, 'field name', 63);
  if (!/^[a-z][A-Za-z0-9]{0,62}$/.test(text) || RESERVED_DEVICE_FIELDS.has(text))
    badInput(`"${text}" is not a shareable field name (camelCase, not id, kind or heldBy).`, {
      field: text,
    });
  return text;
}

/** A device row's local code; `row` is reported on failure. */
export function requireLocalCode(value: unknown, row: number): string {
  if (typeof value !== 'string' || !isValidSuffix(value)) {
    throw new GridmarkError(
      'BAD_DEVICE_ROW',
      `row ${row}: local code ${JSON.stringify(value)} must be 1-128 of A-Z a-z 0-9 . _ - : starting with a letter or digit.`,
      { details: { row } },
    );
  }
  return value;
}

/** A device row's kind. */
export function requireKind(value: unknown, row: number): DeviceKind {
  if (typeof value !== 'string' || !DEVICE_KINDS.has(value as DeviceKind)) {
    throw new GridmarkError(
      'BAD_DEVICE_ROW',
      `row ${row}: kind ${JSON.stringify(value)} must be one of ${[...DEVICE_KINDS].join(', ')}.`,
      { details: { row } },
    );
  }
  return value as DeviceKind;
}

/** The field names of `Device` in a subgraph SDL (type or extension). */
export function deviceFieldsOf(sdl: string): ReadonlySet<string> {
  const names = new Set<string>();
  for (const definition of parse(sdl).definitions) {
    if (
      (definition.kind === Kind.OBJECT_TYPE_DEFINITION ||
        definition.kind === Kind.OBJECT_TYPE_EXTENSION) &&
      definition.name.value === 'Device'
    ) {
      for (const field of definition.fields ?? []) names.add(field.name.value);
    }
  }
  return names;
}

/**
 * Refuses a system's subgraph SDL that asks for more than its own `Device` fields, checked against
 * the catalog and every other system the registry knows: the fields they registered and the types
 * the SDLs of active and suspended systems declare.
 *
 * @throws SchemaPolicyViolationError (`SCHEMA_POLICY_VIOLATION`) naming the offending element.
 */
export async function requireSchemaPolicy(
  store: Pick<RegistryStore, 'listSystems' | 'listFields' | 'systemSdls'>,
  candidate: { readonly name: string; readonly sdl: string },
): Promise<void> {
  const [systems, fields, active, suspended] = await Promise.all([
    store.listSystems(),
    store.listFields(),
    store.systemSdls('ACTIVE'),
    store.systemSdls('SUSPENDED'),
  ]);
  const sdlOf = new Map([...active, ...suspended].map((s) => [s.code, s.sdl]));
  const others = systems.map((system) => {
    const sdl = sdlOf.get(system.code);
    return {
      name: system.subgraphName,
      ...(sdl === undefined ? {} : { sdl }),
      registeredFields: fields.filter((f) => f.systemCode === system.code).map((f) => f.name),
    };
  });
  requireSubgraphSchema(
    candidate.sdl,
    policySubject(candidate.name, [{ name: CATALOG_SUBGRAPH, sdl: CATALOG_SDL }, ...others]),
  );
}

/** A function or role name: 1-64 of a-z 0-9 _ - (as the ledger contract accepts them). */
export function requireToken(value: unknown, name: string): string {
  if (typeof value !== 'string' || !/^[a-z0-9_-]{1,64}$/.test(value))
    badInput(`${name} must be 1-64 of a-z 0-9 _ -, not ${JSON.stringify(value)}.`, { field: name });
  return value;
}

/** A field's change policy; undefined when none is given. */
export function requireChangePolicy(
  value: unknown,
  field: string,
): 'refuse' | 'release-unverified' | undefined {
  if (value === null || value === undefined) return undefined;
  if (value !== 'refuse' && value !== 'release-unverified')
    badInput(
      `the change policy of ${field} must be refuse or release-unverified, not ${JSON.stringify(value)}.`,
      { field },
    );
  return value;
}
