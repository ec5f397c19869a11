import { canonicalJson } from './canonical-json.js';
import type { ContractState } from './contract-stub.js';
import { sha256Hex } from './merkle.js';
import { STATE_TYPES, type Resolution } from './records.js';

/** The composite-key type under which resolution bodies are stored, by their hash. */
export const RESOLUTION_BODY_TYPE = 'resolutionbody';

/** A resolution's body: what its devices yield, shared by every resolution that yields the same. */
export interface ResolutionBody {
  readonly devices: Resolution['devices'];
}

/**
 * A resolution as stored under `resolution` [resolutionId]: its own header, and its body by
 * reference, `body` being the SHA-256 (hex) of the body's deterministic JSON, stored under
 * `resolutionbody` [hash].
 */
export interface StoredResolution extends Omit<Resolution, 'devices'> {
  readonly body: string;
}

/** The hash a body is stored under. */
export function resolutionBodyHash(body: ResolutionBody): string {
  return sha256Hex(canonicalJson(body));
}

/**
 * Writes resolutions. Resolutions that yield the same devices and fields (the same query asked
 * again, by any application) share one body: a batch of similar resolutions writes one small
 * record each and each distinct body once. A body is written without being read first, so that
 * transactions writing the same body concurrently do not conflict (the value is the same).
 */
export async function putResolutions(state: ContractState, resolutions: readonly Resolution[]): Promise<void> {
  // Resolutions built from one expansion share its `devices` array: hash it once.
  const hashOf = new Map<Resolution['devices'], string>();
  const written = new Set<string>();
  for (const { resolutionId, applicationId, function: fn, role, resolvedAt, devices, totalFeeFen } of resolutions) {
    let hash = hashOf.get(devices);
    if (hash === undefined) {
      hash = resolutionBodyHash({ devices });
      hashOf.set(devices, hash);
    }
    if (!written.has(hash)) {
      await state.put(RESOLUTION_BODY_TYPE, [hash], { devices } satisfies ResolutionBody);
      written.add(hash);
    }
    await state.put(STATE_TYPES.resolution, [resolutionId], { resolutionId, applicationId, function: fn, role, resolvedAt, totalFeeFen, body: hash } satisfies StoredResolution);
  }
}

/**
 * Reads a whole resolution, its body put back in place; undefined when there is none.
 * Records written before bodies were shared hold their devices themselves and are returned as they are.
 *
 * @throws Error when the record references a body that is not in state (the state is corrupt)
 */
export async function getResolution(state: ContractState, resolutionId: string): Promise<Resolution | undefined> {
  const stored = await state.get<StoredResolution | Resolution>(STATE_TYPES.resolution, [resolutionId]);
  if (stored === undefined || !('body' in stored)) return stored;
  const body = await state.get<ResolutionBody>(RESOLUTION_BODY_TYPE, [stored.body]);
  if (body === undefined) throw new Error(`resolution ${resolutionId} references body ${stored.body}, which is not in state`);
  const { resolutionId: id, applicationId, function: fn, role, resolvedAt, totalFeeFen } = stored;
  return { resolutionId: id, applicationId, function: fn, role, resolvedAt, devices: body.devices, totalFeeFen };
}
