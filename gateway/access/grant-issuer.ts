import { randomBytes, type KeyObject } from 'node:crypto';
import type { Resolution } from '../../ledger-adapter/index.js';
import {
  GRANT_HEADER,
  GridmarkError,
  sealGrant,
  signGrant,
  type Grant,
  type GrantChannel,
} from '../../schema/index.js';
import type { FieldDirectory } from './field-directory.js';
import type { RequestAccess } from './request-access.js';
import { resolvedFields } from './resolved-fields.js';

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
 * system's grant channel when there is one, otherwise a compact JWS signed with the gateway's
 * Ed25519 key and naming its `kid` (`schema/protocol/grant.ts`); it lives 30 seconds, `exp` in
 * whole seconds on the wire.
 *
 * A grant never reaches past the query's resolution: every device must be one the resolution
 * resolved, and every field one it resolved to this system for at least one of those devices.
 *
 * @throws GridmarkError `GRANT_NOT_COVERED` otherwise (or when the query has no resolution):
 *   no grant is issued and the request must not be sent.
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
  const devices = [
    ...new Set(
      options.representations.map((r) => r.id).filter((id): id is string => typeof id === 'string'),
    ),
  ];
  const fields = [...options.access.fields].filter(
    (name) => options.fields.byName(name)?.subgraphName === options.subgraph,
  );
  requireCovered(options.access.resolution, options.subgraph, devices, fields, options.fields);
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
  return {
    header: GRANT_HEADER,
    value: options.channel
      ? sealGrant(grant, options.channel)
      : signGrant(grant, options.signingKey),
  };
}

/** @throws GridmarkError `GRANT_NOT_COVERED` unless the resolution covers every device and field. */
function requireCovered(
  resolution: Resolution | null,
  subgraph: string,
  devices: readonly string[],
  fields: readonly string[],
  directory: FieldDirectory,
): void {
  const refuse = (why: string, details: Record<string, unknown>): never => {
    throw new GridmarkError(
      'GRANT_NOT_COVERED',
      `Nothing was asked of business system "${subgraph}": ${why}.`,
      { details: { system: subgraph, ...details } },
    );
  };
  if (!resolution) return refuse('the query has no resolution on the ledger', { fields });
  const index = resolvedFields(resolution);
  const outside = devices.find((d) => !index.has(d));
  if (outside !== undefined)
    refuse(`device ${outside} is not in the query's resolution`, { device: outside, fields });
  const uncovered = fields.filter((name) => {
    // The field as registered now (its code names its system) must be the one resolved.
    const code = directory.byName(name)?.code;
    return code === undefined || !devices.some((d) => index.get(d)?.get(name) === code);
  });
  if (uncovered.length > 0)
    refuse(
      `the query's resolution gives ${uncovered.map((f) => `Device.${f}`).join(', ')} of none of these devices`,
      { fields: uncovered },
    );
}
