import type { ServedProofs } from '../../schema/index.js';
import type { DirectoryField } from './field-directory.js';
import { UNKNOWN_KEYS, type ResponseKeys } from './operation-keys.js';
import {
  markUnproven,
  withholdUnverifiable,
  type ResponseCheck,
  type ServedValue,
} from './response-check.js';
import { resolvedFields, type ResolvedFields } from './resolved-fields.js';

/** A value worth asking the ledger about, with what its check needs. */
export interface Candidate extends ServedValue {
  /** The field's name. */
  readonly name: string;
  readonly value: unknown;
  readonly salt: string;
  /** The field's change policy as registered; the response's own claims are never read. */
  readonly policy: DirectoryField['changePolicy'];
  /** The whole value as anchored, for object-typed fields; undefined when the value served is whole. */
  readonly whole: unknown;
  /** How the keys inside the value served map to the whole value's members. */
  readonly keys: ResponseKeys;
}

/** The proofs a system sent in `extensions.gridmark`, each part as it was sent or empty. */
interface SentProofs {
  readonly fields: Partial<ServedProofs['fields']>;
  readonly salts: Partial<ServedProofs['salts']>;
  readonly values: Partial<NonNullable<ServedProofs['values']>>;
}

/** Where a value sits in the response. */
type ValueAt = Pick<ServedValue, 'index' | 'deviceId' | 'key'>;

const NOTHING_RESOLVED: ResolvedFields = new Map();

/**
 * The values worth asking the ledger about: granted fields of this system, in the query's
 * resolution for their device, with a proof. Everything else the system sent is withheld here.
 */
export function candidatesOf(check: ResponseCheck): Candidate[] {
  const { options } = check;
  const proofs = sentProofs(options.response.extensions);
  const resolution = options.access.resolution;
  const resolved = resolution ? resolvedFields(resolution) : NOTHING_RESOLVED;
  const candidates: Candidate[] = [];
  check.entities.forEach((entity, index) => {
    if (entity === null || typeof entity !== 'object') return;
    const deviceId = options.representations[index]?.id;
    if (typeof deviceId !== 'string') return;
    const resolvedHere = resolved.get(deviceId);
    for (const [key, value] of Object.entries(entity as Record<string, unknown>)) {
      const candidate = candidateOf(check, proofs, resolvedHere, { index, deviceId, key }, value);
      if (candidate) candidates.push(candidate);
    }
  });
  return candidates;
}

function sentProofs(extensions: Record<string, unknown> | undefined): SentProofs {
  const proofs = (extensions?.['gridmark'] as { proofs?: Partial<ServedProofs> } | undefined)
    ?.proofs;
  return {
    fields: proofs?.fields ?? {},
    salts: proofs?.salts ?? {},
    values: proofs?.values ?? {},
  };
}

/** One value of an entity: a candidate, or undefined when it is withheld here or needs no check. */
function candidateOf(
  check: ResponseCheck,
  proofs: SentProofs,
  resolvedHere: ReadonlyMap<string, string> | undefined,
  at: ValueAt,
  value: unknown,
): Candidate | undefined {
  const { options } = check;
  const { index, deviceId, key } = at;
  const selected = options.fieldKeys.get(key);
  const name = selected?.name ?? key;
  if (name === '__typename' || name === 'id') return undefined;
  const field = options.fields.byName(name);
  // Anything else this subgraph sends must be a granted field of its own; otherwise it is withheld.
  if (!field || field.subgraphName !== options.subgraph || !options.access.fields.has(name)) {
    if (value !== null) {
      const fieldCode = field?.code ?? '';
      const systemCode = field?.systemCode ?? options.subgraph;
      withholdUnverifiable(
        check,
        { index, deviceId, key, fieldCode, systemCode },
        'NOT_ASKED',
        `Device.${name} of ${deviceId} was not asked of ${options.subgraph}; withheld.`,
      );
    }
    return undefined;
  }
  // The resolution names, per device, the field codes it covers and charges: nothing else is released.
  if (resolvedHere?.get(name) !== field.code) {
    if (value !== null)
      withholdUnverifiable(
        check,
        servedValue(at, field),
        'NOT_IN_RESOLUTION',
        `Device.${name} of ${deviceId} is not in the query's resolution (the catalog does not list ${field.systemCode} as holding it); withheld.`,
      );
    return undefined;
  }
  const salt = own(own(proofs.salts, deviceId), name);
  const proved = own(proofs.fields, name);
  if (value === null && salt === undefined) return undefined;
  if (typeof salt !== 'string' || proved?.code !== field.code) {
    const served = servedValue(at, field);
    markUnproven(check, served);
    withholdUnverifiable(
      check,
      served,
      'NO_PROOF',
      `Device.${name} of ${deviceId} came without a proof from ${options.subgraph}; withheld.`,
    );
    return undefined;
  }
  return {
    index,
    deviceId,
    key,
    name,
    fieldCode: field.code,
    systemCode: field.systemCode,
    value,
    salt,
    policy: field.changePolicy,
    whole: own(own(proofs.values, deviceId), name),
    keys: selected?.keys ?? UNKNOWN_KEYS,
  };
}

/** A value of a field the directory knows, for its verification. */
function servedValue(at: ValueAt, field: DirectoryField): ServedValue {
  return {
    index: at.index,
    deviceId: at.deviceId,
    key: at.key,
    fieldCode: field.code,
    systemCode: field.systemCode,
  };
}

/** A member the subgraph really sent (names such as `constructor` are not read off the prototype). */
function own<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined &&
    record !== null &&
    typeof record === 'object' &&
    Object.hasOwn(record, key)
    ? record[key]
    : undefined;
}
