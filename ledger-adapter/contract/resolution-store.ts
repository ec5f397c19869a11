import { canonicalJson } from './canonical-json.js';
import type { ContractState } from './contract-stub.js';
import { sha256Hex } from './merkle.js';
import { STATE_TYPES, type Resolution } from './records.js';

/*
 * How resolutions are stored. Every query's resolution is recorded, and the same query asked
 * again yields the same: so a resolution is stored as its own small record, `{"b":body,"t":resolvedAt}`
 * under `resolution` [resolutionId], and everything it shares with the resolutions that yield the
 * same (application, function, role, devices with their fields and fees, total fee) as one body
 * under `resolutionbody` [SHA-256 of the body's deterministic JSON], written once in the ledger's
 * life. Two earlier forms are still read: a record stored whole, and a record that named its
 * application, function, role and total itself and referenced a body of devices only.
 */

/** The composite-key type under which resolution bodies are stored, by their hash. */
export const RESOLUTION_BODY_TYPE = 'resolutionbody';

/** A resolution's body: all of it but its id and time, shared by every resolution that yields the same. */
export type ResolutionBody = Omit<Resolution, 'resolutionId' | 'resolvedAt'>;

/** A resolution as stored: its body's hash and its time. */
export interface StoredResolution {
  readonly b: string;
  readonly t: string;
}

/** The record of the form before bodies held the whole resolution: its header, its devices by reference. */
interface HeaderResolution extends Omit<Resolution, 'devices'> {
  readonly body: string;
}

/** The hash a body is stored under. */
export function resolutionBodyHash(body: unknown): string {
  return sha256Hex(canonicalJson(body));
}

/**
 * Writes resolutions, each as a small record, and each body that is not on the ledger yet once.
 * A body is read before it is written: on Fabric, two transactions that first write the same body
 * at once conflict (MVCC), and the later is submitted again; afterwards the body is only read.
 */
export async function putResolutions(
  state: ContractState,
  resolutions: readonly Resolution[],
): Promise<void> {
  // Resolutions built from one expansion share its `devices` array: hashed once per header.
  const hashOf = new Map<Resolution['devices'], Map<string, string>>();
  const written = new Set<string>();
  for (const {
    resolutionId,
    applicationId,
    function: fn,
    role,
    resolvedAt,
    devices,
    totalFeeFen,
  } of resolutions) {
    const header = canonicalJson([applicationId, fn, role, totalFeeFen]);
    let hashes = hashOf.get(devices);
    if (!hashes) hashOf.set(devices, (hashes = new Map<string, string>()));
    let hash = hashes.get(header);
    if (hash === undefined) {
      hash = resolutionBodyHash({
        applicationId,
        function: fn,
        role,
        devices,
        totalFeeFen,
      } satisfies ResolutionBody);
      hashes.set(header, hash);
    }
    if (!written.has(hash)) {
      written.add(hash);
      if (!(await state.exists(RESOLUTION_BODY_TYPE, [hash])))
        await state.put(RESOLUTION_BODY_TYPE, [hash], {
          applicationId,
          function: fn,
          role,
          devices,
          totalFeeFen,
        } satisfies ResolutionBody);
    }
    await state.put(STATE_TYPES.resolution, [resolutionId], {
      b: hash,
      t: resolvedAt,
    } satisfies StoredResolution);
  }
}

/**
 * Reads a whole resolution, its body put back in place; undefined when there is none. Records of
 * the earlier forms are read too.
 *
 * @throws Error when the record references a body that is not in state (the state is corrupt)
 */
export async function getResolution(
  state: ContractState,
  resolutionId: string,
): Promise<Resolution | undefined> {
  const stored = await state.get<StoredResolution | HeaderResolution | Resolution>(
    STATE_TYPES.resolution,
    [resolutionId],
  );
  if (stored === undefined || 'devices' in stored) return stored;
  const hash = 'body' in stored ? stored.body : stored.b;
  const body = await state.get<ResolutionBody | Pick<Resolution, 'devices'>>(RESOLUTION_BODY_TYPE, [
    hash,
  ]);
  if (body === undefined)
    throw new Error(`resolution ${resolutionId} references body ${hash}, which is not in state`);
  if ('body' in stored) {
    const { applicationId, function: fn, role, resolvedAt, totalFeeFen } = stored;
    return {
      resolutionId,
      applicationId,
      function: fn,
      role,
      resolvedAt,
      devices: body.devices,
      totalFeeFen,
    };
  }
  const { applicationId, function: fn, role, devices, totalFeeFen } = body as ResolutionBody;
  return {
    resolutionId,
    applicationId,
    function: fn,
    role,
    resolvedAt: stored.t,
    devices,
    totalFeeFen,
  };
}
