import type { KeyObject } from 'node:crypto';
import {
  isGrantKey,
  newGrantKeyPair,
  openGrantChannel,
  type GrantChannel,
  type GrantKeyPair,
  type Logger,
} from '../../schema/index.js';

/** How long a channel statement is accepted; the gateway opens a new one halfway through. */
export const GRANT_CHANNEL_LIFETIME_MS = 20 * 60_000;

/** The gateway's grant channels, one per business system whose grant key it has heard. */
export interface GrantChannels {
  /** The channel to seal the system's next grant in; undefined while its key is unknown (the grant is then signed). */
  channelFor(system: string, now?: number): GrantChannel | undefined;
  /** Takes note of the grant key a system announced beside an answer; anything that is not a key is ignored. */
  learn(system: string, grantKey: unknown): void;
}

/**
 * Opens grant channels (`schema/grant-channel.ts`) as systems announce their keys. The gateway's
 * own X25519 key pair is renewed every half lifetime, and each system's channel with it; a channel
 * is opened (one Ed25519 signature, one key agreement) only when a system's key is new or its
 * channel is past half its life. A key that no channel can be agreed with is forgotten, and that
 * system's grants stay signed.
 */
export function createGrantChannels(options: {
  readonly signingKey: KeyObject;
  readonly logger: Logger;
  readonly lifetimeMs?: number;
}): GrantChannels {
  const lifetimeMs = options.lifetimeMs ?? GRANT_CHANNEL_LIFETIME_MS;
  const systems = new Map<string, { readonly systemKey: string; channel?: GrantChannel }>();
  let own: { readonly pair: GrantKeyPair; readonly since: number } | undefined;

  const currentKey = (now: number): { readonly pair: GrantKeyPair; readonly since: number } => {
    if (!own || now - own.since >= lifetimeMs / 2) own = { pair: newGrantKeyPair(), since: now };
    return own;
  };

  return {
    channelFor(system, now = Date.now()) {
      const known = systems.get(system);
      if (!known) return undefined;
      if (known.channel && known.channel.exp - now > lifetimeMs / 2) return known.channel;
      const key = currentKey(now);
      try {
        known.channel = openGrantChannel({
          system,
          systemKey: known.systemKey,
          gatewayKey: key.pair,
          signingKey: options.signingKey,
          exp: key.since + lifetimeMs,
        });
        return known.channel;
      } catch (error) {
        options.logger.warn(
          `business system "${system}" announced a grant key no channel can be agreed with; its grants stay signed: ${String(error)}`,
        );
        systems.delete(system);
        return undefined;
      }
    },
    learn(system, grantKey) {
      if (!isGrantKey(grantKey) || systems.get(system)?.systemKey === grantKey) return;
      systems.set(system, { systemKey: grantKey });
    },
  };
}
