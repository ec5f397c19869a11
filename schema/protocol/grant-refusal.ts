import { GridmarkError } from './errors.js';

/**
 * Why a business system refused a grant, in the order it checks (`extensions.reason` of a
 * `GRANT_REFUSED` error): `MISSING`, `MALFORMED`, `UNKNOWN_KEY` (its `kid` is in no key set the
 * system holds), `BAD_SIGNATURE`, `WRONG_SYSTEM`, `STALE_KEY` (sealed for a grant key the system
 * no longer holds), `EXPIRED`, `NOT_YET_VALID` (issued further ahead than the allowed clock
 * skew), `REPLAYED`.
 */
export type GrantRefusal =
  | 'MISSING'
  | 'MALFORMED'
  | 'UNKNOWN_KEY'
  | 'BAD_SIGNATURE'
  | 'WRONG_SYSTEM'
  | 'STALE_KEY'
  | 'EXPIRED'
  | 'NOT_YET_VALID'
  | 'REPLAYED';

/** @throws GridmarkError `GRANT_REFUSED` with `details.reason` the given {@link GrantRefusal}. */
export function refuseGrant(reason: GrantRefusal, message: string): never {
  throw new GridmarkError('GRANT_REFUSED', message, { details: { reason } });
}
