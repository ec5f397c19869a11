import { GridmarkError } from './errors.js';

/**
 * Protocol version negotiation between the gateway and a business system. Every answer of a
 * system carries the versions it speaks in `extensions.gridmark.protocol` (a system that announces
 * none speaks version 1); the gateway sends the version it chose, the highest both speak, in the
 * {@link PROTOCOL_HEADER} header of every request it makes to the system.
 */

/** The request header naming the protocol version the gateway speaks in this request. */
export const PROTOCOL_HEADER = 'x-gridmark-protocol';
/** The protocol versions this code speaks, oldest first. */
export const PROTOCOL_VERSIONS: readonly number[] = [1];
/** The version a system speaks when it announces none. */
const UNANNOUNCED = [1] as const;
/** Versions read from one announcement at most: a list longer than this is not believed. */
const MAX_ANNOUNCED = 16;

/**
 * The versions a system announced in `extensions.gridmark.protocol`: `[1]` when absent; the
 * positive integers of the list otherwise (anything else in it is left out).
 */
export function announcedVersions(announcement: unknown): readonly number[] {
  if (announcement === undefined || announcement === null) return UNANNOUNCED;
  if (!Array.isArray(announcement)) return [];
  return announcement
    .slice(0, MAX_ANNOUNCED)
    .filter((v): v is number => Number.isSafeInteger(v) && (v as number) > 0);
}

/**
 * The highest version both `ours` and `theirs` speak.
 *
 * @throws GridmarkError `PROTOCOL_UNSUPPORTED` naming `system` when they share none.
 */
export function chooseProtocolVersion(
  system: string,
  theirs: readonly number[],
  ours: readonly number[] = PROTOCOL_VERSIONS,
): number {
  const common = ours.filter((v) => theirs.includes(v));
  if (common.length === 0)
    throw new GridmarkError(
      'PROTOCOL_UNSUPPORTED',
      `Business system "${system}" speaks protocol versions [${theirs.join(', ')}]; the gateway speaks [${ours.join(', ')}].`,
      { details: { system, supported: [...ours] } },
    );
  return Math.max(...common);
}

/**
 * System side: checks the version a request names in {@link PROTOCOL_HEADER} (absent: 1).
 *
 * @throws GridmarkError `PROTOCOL_UNSUPPORTED` with `details.supported` when it is not one spoken here.
 */
export function requireSpokenVersion(
  header: string | undefined,
  system: string,
  ours: readonly number[] = PROTOCOL_VERSIONS,
): number {
  const version =
    header === undefined ? 1 : /^[1-9][0-9]{0,5}$/.test(header) ? Number(header) : NaN;
  if (!ours.includes(version))
    throw new GridmarkError(
      'PROTOCOL_UNSUPPORTED',
      `Business system "${system}" does not speak the protocol version the request names; it speaks [${ours.join(', ')}].`,
      { details: { system, supported: [...ours] } },
    );
  return version;
}
