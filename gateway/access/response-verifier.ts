import type { Anchor, LedgerAdapter, ReportTamperInput } from '../../ledger-adapter/index.js';
import type { ServedProofs } from '../../schema/index.js';
import type { CommitmentMemo } from './commitment-memo.js';
import type { DirectoryField, FieldDirectory } from './field-directory.js';
import { UNKNOWN_KEYS, type ResponseKeys, type SelectedKey } from './operation-keys.js';
import type { RequestAccess } from './request-access.js';
import { resolvedFields, type ResolvedFields } from './resolved-fields.js';
import { projectionDifference } from './value-projection.js';

/** A subgraph response as the gateway receives it. */
export interface SubgraphResponse {
  data?: Record<string, unknown> | null;
  errors?: readonly Record<string, unknown>[];
  extensions?: Record<string, unknown>;
}

/**
 * Why a value is withheld as `UNVERIFIABLE` (`extensions.reason`): a field not asked of the system,
 * a value without a proof, a ledger that did not answer, a value with no anchor, or a value of a
 * (device, field) that the query's resolution does not cover.
 */
export type UnverifiableReason =
  'NOT_ASKED' | 'NO_PROOF' | 'LEDGER_UNAVAILABLE' | 'NO_ANCHOR' | 'NOT_IN_RESOLUTION';

/** A detected tampering, for the ledger's record (as the contract's `ReportTamper` takes it) and the system's credit. */
export type TamperFinding = ReportTamperInput;

/** Options of {@link verifyEntities}. */
export interface VerifyOptions {
  readonly response: SubgraphResponse;
  /**
   * What each response key of the fetch's `Device` selection stands for: the field's name, and the
   * keys inside an object field (aliases resolved at every level; see `entityFieldKeys`).
   */
  readonly fieldKeys: ReadonlyMap<string, SelectedKey>;
  readonly representations: readonly { readonly id?: unknown }[];
  readonly subgraph: string;
  readonly access: RequestAccess;
  readonly fields: FieldDirectory;
  readonly ledger: LedgerAdapter;
  /** Where served values are hashed (and scalar values already checked are remembered). */
  readonly commitments: CommitmentMemo;
  readonly onTamper: (finding: TamperFinding) => void;
  /**
   * Called once per response in which the system served values it did not vouch for (no proof,
   * or no anchor on the ledger): a failed verification that is the system's doing, not the ledger's.
   */
  readonly onUnproven?: (finding: {
    readonly systemCode: string;
    readonly fieldCodes: readonly string[];
  }) => void;
}

interface Candidate {
  readonly index: number;
  readonly deviceId: string;
  /** The key in the subgraph's response (an alias, or the field name). */
  readonly key: string;
  /** The field's name. */
  readonly name: string;
  readonly fieldCode: string;
  readonly systemCode: string;
  readonly value: unknown;
  readonly salt: string;
  /** The field's change policy as registered; the response's own claims are never read. */
  readonly policy: DirectoryField['changePolicy'];
  /** The whole value as anchored, for object-typed fields; undefined when the value served is whole. */
  readonly whole: unknown;
  /** How the keys inside the value served map to the whole value's members. */
  readonly keys: ResponseKeys;
}

/** What one response's check has found so far. */
interface ResponseCheck {
  readonly options: VerifyOptions;
  readonly entities: unknown[];
  readonly errors: Record<string, unknown>[];
  /** Field codes the system served without a proof or an anchor. */
  readonly unproven: Set<string>;
  unprovenSystem: string;
}

/** A withheld value's verification, less its device and field. */
interface Withheld {
  readonly fieldCode: string;
  readonly system: string;
  readonly status: 'TAMPERED' | 'UNVERIFIABLE';
  readonly anchor: Anchor | null;
  readonly salt: string | null;
  /** Why an `UNVERIFIABLE` value is withheld. */
  readonly reason?: UnverifiableReason;
}

/**
 * Checks every value of an `_entities` response against the commitment its owner anchored, before
 * the gateway merges it: the value and the revealed salt must hash to the anchored commitment.
 * A match is released VERIFIED; a value changed since its anchor is released UNVERIFIED only when
 * the field's policy as registered says so (a policy or field code the subgraph states is not
 * trusted: a code that is not the registered one leaves the value without a proof); otherwise the
 * value is withheld (`TAMPERED`, reported), as is any value without a proof or an anchor, or when
 * the ledger cannot answer (`UNVERIFIABLE`): nothing unchecked leaves the gateway. So is a value
 * of a device and field that the query's resolution does not cover (`UNVERIFIABLE`, reason
 * `NOT_IN_RESOLUTION`): a grant names devices and fields apart, and a system may serve a field
 * for a device the catalog does not list it as holding; such a value is neither recorded nor
 * charged, so it is not released. An object value selected in part (under aliases at any level)
 * must equal the whole value's members. The response is changed in place and returned.
 */
export async function verifyEntities(options: VerifyOptions): Promise<SubgraphResponse> {
  const { response } = options;
  const entities = response.data?.['_entities'];
  if (!Array.isArray(entities)) return response;
  const check: ResponseCheck = {
    options,
    entities,
    errors: [...(response.errors ?? [])],
    unproven: new Set(),
    unprovenSystem: '',
  };
  const candidates = candidatesOf(check);
  if (candidates.length > 0) await compareWithAnchors(check, candidates);
  if (check.errors.length > (response.errors?.length ?? 0)) response.errors = check.errors;
  if (check.unproven.size > 0)
    options.onUnproven?.({ systemCode: check.unprovenSystem, fieldCodes: [...check.unproven] });
  return response;
}

const NOTHING_RESOLVED: ResolvedFields = new Map();

/**
 * The values worth asking the ledger about: granted fields of this system, in the query's
 * resolution for their device, with a proof. Everything else the system sent is withheld here.
 */
function candidatesOf(check: ResponseCheck): Candidate[] {
  const { options } = check;
  const { access } = options;
  const proofs = (
    options.response.extensions?.['gridmark'] as { proofs?: Partial<ServedProofs> } | undefined
  )?.proofs;
  const provedFields = (proofs?.fields ?? {}) as Partial<ServedProofs['fields']>;
  const salts = (proofs?.salts ?? {}) as Partial<ServedProofs['salts']>;
  const wholeValues = (proofs?.values ?? {}) as Partial<NonNullable<ServedProofs['values']>>;
  const resolved = access.resolution ? resolvedFields(access.resolution) : NOTHING_RESOLVED;
  const candidates: Candidate[] = [];
  check.entities.forEach((entity, index) => {
    if (entity === null || typeof entity !== 'object') return;
    const deviceId = options.representations[index]?.id;
    if (typeof deviceId !== 'string') return;
    const resolvedHere = resolved.get(deviceId);
    for (const [key, value] of Object.entries(entity as Record<string, unknown>)) {
      const selected = options.fieldKeys.get(key);
      const name = selected?.name ?? key;
      if (name === '__typename' || name === 'id') continue;
      const field = options.fields.byName(name);
      // Anything else this subgraph sends must be a granted field of its own; otherwise it is withheld.
      if (!field || field.subgraphName !== options.subgraph || !access.fields.has(name)) {
        if (value !== null)
          withhold(
            check,
            index,
            deviceId,
            key,
            {
              fieldCode: field?.code ?? '',
              system: field?.systemCode ?? options.subgraph,
              status: 'UNVERIFIABLE',
              anchor: null,
              salt: null,
              reason: 'NOT_ASKED',
            },
            `Device.${name} of ${deviceId} was not asked of ${options.subgraph}; withheld.`,
          );
        continue;
      }
      // The resolution names, per device, the field codes it covers and charges: nothing else is released.
      if (resolvedHere?.get(name) !== field.code) {
        if (value !== null)
          withhold(
            check,
            index,
            deviceId,
            key,
            {
              fieldCode: field.code,
              system: field.systemCode,
              status: 'UNVERIFIABLE',
              anchor: null,
              salt: null,
              reason: 'NOT_IN_RESOLUTION',
            },
            `Device.${name} of ${deviceId} is not in the query's resolution (the catalog does not list ${field.systemCode} as holding it); withheld.`,
          );
        continue;
      }
      const salt = own(own(salts, deviceId), name);
      const proved = own(provedFields, name);
      if (value === null && salt === undefined) continue;
      if (typeof salt !== 'string' || proved?.code !== field.code) {
        check.unproven.add(field.code);
        check.unprovenSystem = field.systemCode;
        withhold(
          check,
          index,
          deviceId,
          key,
          {
            fieldCode: field.code,
            system: field.systemCode,
            status: 'UNVERIFIABLE',
            anchor: null,
            salt: null,
            reason: 'NO_PROOF',
          },
          `Device.${name} of ${deviceId} came without a proof from ${options.subgraph}; withheld.`,
        );
        continue;
      }
      candidates.push({
        index,
        deviceId,
        key,
        name,
        fieldCode: field.code,
        systemCode: field.systemCode,
        value,
        salt,
        policy: field.changePolicy,
        whole: own(own(wholeValues, deviceId), name),
        keys: selected?.keys ?? UNKNOWN_KEYS,
      });
    }
  });
  return candidates;
}

/** Each candidate against its anchor (one batched ledger read): released, or withheld and reported. */
async function compareWithAnchors(
  check: ResponseCheck,
  candidates: readonly Candidate[],
): Promise<void> {
  const { options } = check;
  const { access } = options;
  let anchors: (Anchor | null)[];
  try {
    anchors = await options.ledger.getAnchors(
      candidates.map((c) => [c.deviceId, c.fieldCode] as const),
    );
  } catch {
    for (const c of candidates)
      withhold(
        check,
        c.index,
        c.deviceId,
        c.key,
        {
          fieldCode: c.fieldCode,
          system: c.systemCode,
          status: 'UNVERIFIABLE',
          anchor: null,
          salt: null,
          reason: 'LEDGER_UNAVAILABLE',
        },
        `The ledger could not answer for Device.${c.name} of ${c.deviceId}; withheld.`,
      );
    return;
  }
  anchors.forEach((anchor, i) => {
    const c = candidates[i];
    if (!c) return;
    const salt = c.salt;
    if (!anchor) {
      check.unproven.add(c.fieldCode);
      check.unprovenSystem = c.systemCode;
      withhold(
        check,
        c.index,
        c.deviceId,
        c.key,
        {
          fieldCode: c.fieldCode,
          system: c.systemCode,
          status: 'UNVERIFIABLE',
          anchor: null,
          salt,
          reason: 'NO_ANCHOR',
        },
        `Device.${c.name} of ${c.deviceId} has no anchor on the ledger yet; withheld.`,
      );
      return;
    }
    // The cached anchor itself (frozen) is the verification's reference: no copy per value.
    const whole = c.whole === undefined ? c.value : c.whole;
    const observed = options.commitments.commitmentOf(
      { deviceId: c.deviceId, fieldCode: c.fieldCode, salt, value: whole },
      anchor.commitment,
    );
    const consistent = c.whole === undefined || projects(c.value, c.whole, c.keys);
    const released =
      consistent && observed === anchor.commitment
        ? 'VERIFIED'
        : consistent && c.policy === 'release-unverified'
          ? 'UNVERIFIED'
          : undefined;
    if (released) {
      access.verifications.push({
        device: c.deviceId,
        field: c.name,
        fieldCode: c.fieldCode,
        system: c.systemCode,
        status: released,
        anchor,
        salt,
        value: whole,
      });
    } else {
      withhold(
        check,
        c.index,
        c.deviceId,
        c.key,
        { fieldCode: c.fieldCode, system: c.systemCode, status: 'TAMPERED', anchor, salt },
        `Device.${c.name} of ${c.deviceId} from system ${c.systemCode} does not match its anchored hash; withheld and reported.`,
      );
      options.onTamper({
        deviceId: c.deviceId,
        fieldCode: c.fieldCode,
        systemCode: c.systemCode,
        anchoredCommitment: anchor.commitment,
        observedCommitment: observed,
        resolutionId: access.resolution?.resolutionId ?? '',
      });
    }
  });
}

/**
 * Nulls a value in the response, records its verification and adds its error. Verifications are
 * built field by field, never by spreading a partial record and adding to it: V8 (Node 20) makes
 * each such literal a slow runtime call, and there may be one per value.
 */
function withhold(
  check: ResponseCheck,
  index: number,
  deviceId: string,
  key: string,
  record: Withheld,
  message: string,
): void {
  const { options } = check;
  const field = options.fieldKeys.get(key)?.name ?? key;
  (check.entities[index] as Record<string, unknown>)[key] = null;
  options.access.verifications.push({
    device: deviceId,
    field,
    fieldCode: record.fieldCode,
    system: record.system,
    status: record.status,
    anchor: record.anchor,
    salt: record.salt,
  });
  const extensions: Record<string, unknown> = {
    code: record.status,
    device: deviceId,
    field,
    system: options.subgraph,
    systemCode: record.system,
  };
  if (record.reason !== undefined) extensions['reason'] = record.reason;
  check.errors.push({ message, path: ['_entities', index, key], extensions });
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

/**
 * True when `part` (what the query selected, under its response keys) is a projection of `whole`
 * (what was anchored): see {@link projectionDifference}.
 */
export function projects(part: unknown, whole: unknown, keys: ResponseKeys): boolean {
  return projectionDifference(part, whole, keys) === null;
}
