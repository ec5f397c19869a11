import { randomBytes, type KeyObject } from 'node:crypto';
import { GRANT_HEADER, sealGrant, signGrant, type Grant, type GrantChannel } from '../../schema/index.js';
import type { FieldDirectory } from './field-directory.js';
import type { RequestAccess } from './request-access.js';

/** How long a grant stays valid: long enough for one subgraph round trip, no longer. */
export const GRANT_LIFETIME_MS = 30_000;

/**
 * Nonces only need to be unique (the signature stops anyone else from choosing one): a random
 * prefix per process and a counter, rather than random bytes per grant.
 */
const NONCE_PREFIX = randomBytes(12).toString('base64url');
let issued = 0;

/**
 * The grant for one subgraph request: the devices in its representations and the operation's
 * fields that this system serves, for the application's function and resolution. Sealed in the
 * system's grant channel when there is one, signed with the gateway's Ed25519 key otherwise.
 */
export function issueGrant(options: {
  readonly access: RequestAccess;
  readonly subgraph: string;
  readonly representations: readonly { readonly id?: unknown }[];
  readonly fields: FieldDirectory;
  readonly signingKey: KeyObject;
  /** The system's grant channel, once it has announced its grant key. */
  readonly channel?: GrantChannel | undefined;
}): { readonly header: string; readonly value: string } {
  const devices = [...new Set(options.representations.map((r) => r.id).filter((id): id is string => typeof id === 'string'))];
  const fields = [...options.access.fields].filter((name) => options.fields.byName(name)?.subgraphName === options.subgraph);
  const grant: Grant = {
    v: 1,
    app: options.access.applicationId,
    fn: options.access.function,
    role: options.access.role,
    sys: options.subgraph,
    devices,
    fields,
    res: options.access.resolution?.resolutionId ?? '',
    exp: Date.now() + GRANT_LIFETIME_MS,
    nonce: `${NONCE_PREFIX}.${(++issued).toString(36)}`,
  };
  return { header: GRANT_HEADER, value: options.channel ? sealGrant(grant, options.channel) : signGrant(grant, options.signingKey) };
}
