import type { Anchor } from '../../../ledger-adapter/index.js';
import { GridmarkError } from '../../../schema/index.js';
import { forbid, mayActForSystem } from '../caller-permissions.js';
import type { RegistryStore, SystemHolding, SystemPendingEvidence } from '../registry-store.js';
import type { BusinessSystem, Caller, CreditEvent } from '../registry-types.js';
import { badInput } from '../registry-validation.js';
import type { RegistryLedger } from './registry-ledger.js';

/** Most identifiers one page returns. */
const MAX_PAGE = 1_000;
/** Most devices whose anchors one anchoring report reads from the ledger. */
const MAX_DEVICES_CHECKED = 2_000;
/** Most (device, field) pairs one ledger read asks for. */
const ANCHOR_CHUNK = 1_000;
/** Most verification findings one report lists, newest first. */
const MAX_FINDINGS = 50;
/** Most credit events read while looking for findings. */
const MAX_EVENTS_SCANNED = 20_000;

/** One page of a system's identifiers. */
export interface SystemIdentifierPage {
  readonly items: readonly SystemHolding[];
  /** Pass as `after` for the next page; null on the last page. */
  readonly nextCursor: string | null;
}

/** What the ledger holds for one of the system's fields, over the devices checked. */
export interface FieldAnchoring {
  readonly fieldCode: string;
  readonly name: string;
  readonly changePolicy: string;
  readonly anchored: number;
  /** Devices checked without an anchor of this field. */
  readonly unanchored: number;
  readonly latestAnchoredAt: string | null;
  readonly latestTxId: string | null;
  readonly latestDeviceId: string | null;
}

/** A verification failure the gateway recorded against the system (a credit event). */
export interface VerificationFinding {
  readonly seq: number;
  readonly at: string;
  /** TAMPERED: a value did not match its anchor; UNPROVEN: values served without a proof or an anchor. */
  readonly code: 'TAMPERED' | 'UNPROVEN';
  readonly deviceId: string | null;
  readonly fieldCodes: readonly string[];
  readonly resolutionId: string | null;
  readonly reason: string;
}

/** A system's anchoring state, as the registry and the ledger know it. */
export interface SystemAnchoring {
  readonly systemCode: string;
  /** False when the registry has no ledger: `fields` is then empty. */
  readonly ledger: boolean;
  readonly devicesChecked: number;
  /** More devices are held than were checked (the first {@link MAX_DEVICES_CHECKED} by identifier). */
  readonly truncated: boolean;
  readonly fields: readonly FieldAnchoring[];
  readonly pending: SystemPendingEvidence;
  readonly findings: readonly VerificationFinding[];
}

/**
 * A business system's own view of its integration: the identifiers it holds, and its anchoring
 * state. Its own key, its enterprise's operators and platform admins; anyone else is refused
 * the same way whether the system exists or not.
 */
export class SystemSelfService {
  readonly #store: RegistryStore;
  readonly #ledger: RegistryLedger;

  constructor(store: RegistryStore, ledger: RegistryLedger) {
    this.#store = store;
    this.#ledger = ledger;
  }

  /**
   * The system's identifiers after `after`, at most `limit` (1-1,000).
   * @throws GridmarkError `FORBIDDEN`/`UNAUTHENTICATED`, `NOT_FOUND` (admins only), `BAD_INPUT`.
   */
  async identifiers(
    caller: Caller,
    code: string,
    page: { readonly after?: string | null; readonly limit?: number | null },
  ): Promise<SystemIdentifierPage> {
    await this.#system(caller, code, 'list the identifiers');
    const limit = page.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE)
      badInput(`limit must be an integer from 1 to ${MAX_PAGE}.`, { field: 'limit' });
    const items = await this.#store.systemHoldings(code, page.after ?? '', limit + 1);
    const shown = items.slice(0, limit);
    return {
      items: shown,
      nextCursor: items.length > limit ? (shown.at(-1)?.identifier ?? null) : null,
    };
  }

  /**
   * What of the system is anchored, pending and failed verification.
   * @throws GridmarkError `FORBIDDEN`/`UNAUTHENTICATED`, `NOT_FOUND` (admins only), `LEDGER_UNAVAILABLE`.
   */
  async anchoring(caller: Caller, code: string): Promise<SystemAnchoring> {
    await this.#system(caller, code, 'read the anchoring state');
    const held = await this.#store.systemHoldings(code, '', MAX_DEVICES_CHECKED + 1);
    const devices = held.slice(0, MAX_DEVICES_CHECKED).map((h) => h.identifier);
    const fields = await this.#store.listFields(code);
    const anchors = await this.#anchors(
      devices,
      fields.map((f) => f.code),
    );
    return {
      systemCode: code,
      ledger: anchors !== undefined,
      devicesChecked: devices.length,
      truncated: held.length > MAX_DEVICES_CHECKED,
      fields: anchors
        ? fields.map((f) => summarize(f, devices.length, anchors.get(f.code) ?? []))
        : [],
      pending: await this.#store.systemPendingEvidence(code),
      findings: await this.#findings(code),
    };
  }

  /** The system, when the caller may act for it; the same refusal for an unknown one. */
  async #system(caller: Caller, code: string, what: string): Promise<BusinessSystem> {
    if (caller.role === 'ENTERPRISE_USER' && caller.systemCode !== code)
      forbid(caller, `${what} of system ${code}`);
    const allowed = new Set(['PLATFORM_ADMIN', 'ENTERPRISE_USER', 'ENTERPRISE_OPERATOR']);
    if (!allowed.has(caller.role)) forbid(caller, `${what} of system ${code}`);
    const system = await this.#store.getSystem(code);
    if (system && mayActForSystem(caller, system)) return system;
    if (caller.role === 'PLATFORM_ADMIN')
      throw new GridmarkError('NOT_FOUND', `There is no business system ${code}.`);
    return forbid(caller, `${what} of system ${code}`);
  }

  /** Anchors by field code; undefined when the registry has no ledger. */
  async #anchors(
    devices: readonly string[],
    fieldCodes: readonly string[],
  ): Promise<Map<string, Anchor[]> | undefined> {
    const keys = devices.flatMap((d) => fieldCodes.map((f) => [d, f] as const));
    const byField = new Map<string, Anchor[]>();
    try {
      for (let i = 0; i < keys.length || i === 0; i += ANCHOR_CHUNK) {
        const found = await this.#ledger.anchors(keys.slice(i, i + ANCHOR_CHUNK));
        for (const anchor of found)
          if (anchor)
            byField.set(anchor.fieldCode, [...(byField.get(anchor.fieldCode) ?? []), anchor]);
      }
    } catch (error) {
      if (error instanceof GridmarkError && error.code === 'BAD_CONFIGURATION') return undefined;
      throw error;
    }
    return byField;
  }

  /** The latest TAMPER and FAILED_VERIFICATION credit events of the system, newest first. */
  async #findings(systemCode: string): Promise<VerificationFinding[]> {
    const findings: VerificationFinding[] = [];
    let after = 0;
    for (let scanned = 0; scanned < MAX_EVENTS_SCANNED; scanned += 1_000) {
      const events = await this.#store.creditHistory({ systemCode, after, limit: 1_000 });
      for (const event of events) {
        const finding = toFinding(event);
        if (finding) findings.push(finding);
      }
      if (events.length < 1_000) break;
      after = events.at(-1)?.seq ?? after;
    }
    return findings.slice(-MAX_FINDINGS).reverse();
  }
}

function summarize(
  field: { readonly code: string; readonly name: string; readonly changePolicy: string },
  devices: number,
  anchors: readonly Anchor[],
): FieldAnchoring {
  const latest = anchors.reduce<Anchor | undefined>(
    (best, a) => (best === undefined || a.anchoredAt > best.anchoredAt ? a : best),
    undefined,
  );
  return {
    fieldCode: field.code,
    name: field.name,
    changePolicy: field.changePolicy,
    anchored: anchors.length,
    unanchored: devices - anchors.length,
    latestAnchoredAt: latest?.anchoredAt ?? null,
    latestTxId: latest?.txId ?? null,
    latestDeviceId: latest?.deviceId ?? null,
  };
}

function toFinding(event: CreditEvent): VerificationFinding | undefined {
  if (event.kind !== 'TAMPER' && event.kind !== 'FAILED_VERIFICATION') return undefined;
  const ref = event.reference;
  return {
    seq: event.seq,
    at: event.at,
    code: event.kind === 'TAMPER' ? 'TAMPERED' : 'UNPROVEN',
    deviceId: ref.deviceId ?? null,
    fieldCodes: ref.fieldCodes ?? (ref.fieldCode ? [ref.fieldCode] : []),
    resolutionId: ref.resolutionId ?? null,
    reason: event.reason,
  };
}
