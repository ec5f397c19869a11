import {
  PROTOCOL_HEADER,
  PROTOCOL_VERSIONS,
  announcedVersions,
  chooseProtocolVersion,
} from '../../schema/index.js';

/** How long the gateway believes a system's announcement that it speaks none of its versions. */
export const UNSUPPORTED_BELIEVED_MS = 60_000;

/** The protocol version the gateway speaks with each business system, from their announcements. */
export interface ProtocolVersions {
  /**
   * The header naming the version to speak with `system`: the highest both speak (1 until the
   * system has announced anything).
   *
   * @throws GridmarkError `PROTOCOL_UNSUPPORTED` while the system's last announcement, less than
   *   {@link UNSUPPORTED_BELIEVED_MS} old, shares no version with the gateway: nothing is sent.
   */
  headerFor(system: string, now?: number): Record<string, string>;
  /** Takes note of `extensions.gridmark.protocol` of an answer of `system` (absent: version 1). */
  learn(system: string, announcement: unknown, now?: number): void;
}

/** Protocol versions per system, in memory. */
export function createProtocolVersions(): ProtocolVersions {
  const known = new Map<string, { readonly versions: readonly number[]; readonly at: number }>();
  return {
    headerFor(system, now = Date.now()) {
      let theirs = known.get(system);
      const speaksNone =
        theirs !== undefined && !theirs.versions.some((v) => PROTOCOL_VERSIONS.includes(v));
      // A refusal is believed for a while; then one request goes out to hear the system again.
      if (theirs && speaksNone && now - theirs.at >= UNSUPPORTED_BELIEVED_MS) {
        known.delete(system);
        theirs = undefined;
      }
      return {
        [PROTOCOL_HEADER]: String(chooseProtocolVersion(system, theirs?.versions ?? [1])),
      };
    },
    learn(system, announcement, now = Date.now()) {
      known.set(system, { versions: announcedVersions(announcement), at: now });
    },
  };
}
