import type { LedgerAdapter } from '../../ledger-adapter/adapter/index.js';
import type { ReportTamperInput } from '../../ledger-adapter/contract/index.js';
import type { Anchor } from '../../ledger-adapter/contract/records.js';
import type { ServedProofs } from '../../subgraphs/index.js';
import type { CommitmentMemo } from './commitment-memo.js';
import type { DirectoryField, FieldDirectory } from './field-directory.js';
import type { FieldVerification, RequestAccess } from './request-access.js';

/** A subgraph response as the gateway receives it. */
export interface SubgraphResponse {
  data?: Record<string, unknown> | null;
  errors?: readonly Record<string, unknown>[];
  extensions?: Record<string, unknown>;
}

/** A detected tampering, for the ledger's record (as the contract's `ReportTamper` takes it) and the system's credit. */
export type TamperFinding = ReportTamperInput;

/** Options of {@link verifyEntities}. */
export interface VerifyOptions {
  readonly response: SubgraphResponse;
  /** Response key to field name, for the `Device` fields of the fetch (aliases resolved). */
  readonly fieldNames: ReadonlyMap<string, string>;
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
  readonly onUnproven?: (finding: { readonly systemCode: string; readonly fieldCodes: readonly string[] }) => void;
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
}

/**
 * Checks every value of an `_entities` response against the commitment its owner anchored, before
 * the gateway merges it: the value and the revealed salt must hash to the anchored commitment.
 * A match is released VERIFIED; a value changed since its anchor is released UNVERIFIED only when
 * the field's policy as registered says so (a policy or field code the subgraph states is not
 * trusted: a code that is not the registered one leaves the value without a proof); otherwise the value is withheld (`TAMPERED`, reported), as is any
 * value without a proof or an anchor, or when the ledger cannot answer (`UNVERIFIABLE`): nothing
 * unchecked leaves the gateway. The response is changed in place and returned.
 */
export async function verifyEntities(options: VerifyOptions): Promise<SubgraphResponse> {
  const { response, access } = options;
  const entities = response.data?.['_entities'];
  if (!Array.isArray(entities)) return response;
  const proofs = (response.extensions?.['gridmark'] as { proofs?: Partial<ServedProofs> } | undefined)?.proofs;
  const provedFields = (proofs?.fields ?? {}) as Partial<ServedProofs['fields']>;
  const salts = (proofs?.salts ?? {}) as Partial<ServedProofs['salts']>;
  const wholeValues = (proofs?.values ?? {}) as Partial<NonNullable<ServedProofs['values']>>;
  const errors: Record<string, unknown>[] = [...(response.errors ?? [])];
  const candidates: Candidate[] = [];
  /** Field codes the system served without a proof or an anchor. */
  const unproven = new Set<string>();
  let unprovenSystem = '';
  // Verifications are built field by field, never by spreading a partial record and adding to
  // it: V8 (Node 20) makes each such literal a slow runtime call, and there is one per value.
  const withhold = (index: number, deviceId: string, key: string, record: Omit<FieldVerification, 'device' | 'field'>, message: string): void => {
    const field = options.fieldNames.get(key) ?? key;
    (entities[index] as Record<string, unknown>)[key] = null;
    access.verifications.push({ device: deviceId, field, fieldCode: record.fieldCode, system: record.system, status: record.status, anchor: record.anchor, salt: record.salt });
    errors.push({ message, path: ['_entities', index, key], extensions: { code: record.status, device: deviceId, field, system: options.subgraph, systemCode: record.system } });
  };

  entities.forEach((entity, index) => {
    if (entity === null || typeof entity !== 'object') return;
    const deviceId = options.representations[index]?.id;
    if (typeof deviceId !== 'string') return;
    for (const [key, value] of Object.entries(entity as Record<string, unknown>)) {
      const name = options.fieldNames.get(key) ?? key;
      if (name === '__typename' || name === 'id') continue;
      const field = options.fields.byName(name);
      // Anything else this subgraph sends must be a granted field of its own; otherwise it is withheld.
      if (!field || field.subgraphName !== options.subgraph || !access.fields.has(name)) {
        if (value !== null) withhold(index, deviceId, key, { fieldCode: field?.code ?? '', system: field?.systemCode ?? options.subgraph, status: 'UNVERIFIABLE', anchor: null, salt: null }, `Device.${name} of ${deviceId} was not asked of ${options.subgraph}; withheld.`);
        continue;
      }
      const salt = own(own(salts, deviceId), name);
      const proved = own(provedFields, name);
      if (value === null && salt === undefined) continue;
      if (typeof salt !== 'string' || proved?.code !== field.code) {
        unproven.add(field.code);
        unprovenSystem = field.systemCode;
        withhold(index, deviceId, key, { fieldCode: field.code, system: field.systemCode, status: 'UNVERIFIABLE', anchor: null, salt: null }, `Device.${name} of ${deviceId} came without a proof from ${options.subgraph}; withheld.`);
        continue;
      }
      candidates.push({ index, deviceId, key, name, fieldCode: field.code, systemCode: field.systemCode, value, salt, policy: field.changePolicy, whole: own(own(wholeValues, deviceId), name) });
    }
  });

  if (candidates.length > 0) {
    let anchors: (Anchor | null)[];
    try {
      anchors = await options.ledger.getAnchors(candidates.map((c) => [c.deviceId, c.fieldCode] as const));
    } catch {
      for (const c of candidates) withhold(c.index, c.deviceId, c.key, { fieldCode: c.fieldCode, system: c.systemCode, status: 'UNVERIFIABLE', anchor: null, salt: null }, `The ledger could not answer for Device.${c.name} of ${c.deviceId}; withheld.`);
      anchors = [];
    }
    anchors.forEach((anchor, i) => {
      const c = candidates[i];
      if (!c) return;
      const salt = c.salt;
      if (!anchor) {
        unproven.add(c.fieldCode);
        unprovenSystem = c.systemCode;
        withhold(c.index, c.deviceId, c.key, { fieldCode: c.fieldCode, system: c.systemCode, status: 'UNVERIFIABLE', anchor: null, salt }, `Device.${c.name} of ${c.deviceId} has no anchor on the ledger yet; withheld.`);
        return;
      }
      // The cached anchor itself (frozen) is the verification's reference: no copy per value.
      const whole = c.whole === undefined ? c.value : c.whole;
      const observed = options.commitments.commitmentOf({ deviceId: c.deviceId, fieldCode: c.fieldCode, salt, value: whole }, anchor.commitment);
      const consistent = c.whole === undefined || projects(c.value, c.whole);
      const released = consistent && observed === anchor.commitment ? 'VERIFIED' : consistent && c.policy === 'release-unverified' ? 'UNVERIFIED' : undefined;
      if (released) {
        access.verifications.push({ device: c.deviceId, field: c.name, fieldCode: c.fieldCode, system: c.systemCode, status: released, anchor, salt, value: whole });
      } else {
        withhold(c.index, c.deviceId, c.key, { fieldCode: c.fieldCode, system: c.systemCode, status: 'TAMPERED', anchor, salt }, `Device.${c.name} of ${c.deviceId} from system ${c.systemCode} does not match its anchored hash; withheld and reported.`);
        options.onTamper({ deviceId: c.deviceId, fieldCode: c.fieldCode, systemCode: c.systemCode, anchoredCommitment: anchor.commitment, observedCommitment: observed, resolutionId: access.resolution?.resolutionId ?? '' });
      }
    });
  }
  if (errors.length > (response.errors?.length ?? 0)) response.errors = errors;
  if (unproven.size > 0) options.onUnproven?.({ systemCode: unprovenSystem, fieldCodes: [...unproven] });
  return response;
}

/** A member the subgraph really sent (names such as `constructor` are not read off the prototype). */
function own<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && record !== null && typeof record === 'object' && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** True when `part` (what the query selected) is a projection of `whole` (what was anchored). */
function projects(part: unknown, whole: unknown): boolean {
  if (Array.isArray(part)) return Array.isArray(whole) && part.length === whole.length && part.every((p, i) => projects(p, whole[i]));
  if (part !== null && typeof part === 'object') {
    if (whole === null || typeof whole !== 'object' || Array.isArray(whole)) return false;
    for (const k in part) {
      if (k !== '__typename' && !projects((part as Record<string, unknown>)[k], (whole as Record<string, unknown>)[k])) return false;
    }
    return true;
  }
  return part === whole;
}
