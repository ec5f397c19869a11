import { GridmarkError } from '../../../schema/index.js';
import { StoreConflict } from '../registry-store.js';

/**
 * Turns a store refusal into the registry's error: a {@link StoreConflict} carries its code, and
 * a unique constraint on systems (two registrations racing) is `ALREADY_REGISTERED`. Anything
 * else is rethrown as it is.
 *
 * @throws GridmarkError or the error given, always.
 */
export function translateStoreError(error: unknown): never {
  if (error instanceof StoreConflict) {
    throw new GridmarkError(error.reason, error.message, {
      details: { ...error.details },
      cause: error,
    });
  }
  if (error instanceof Error && /UNIQUE constraint failed: systems/.test(error.message)) {
    throw new GridmarkError(
      'ALREADY_REGISTERED',
      'a system with this subgraph name, or this enterprise and system name, is already registered.',
      { cause: error },
    );
  }
  throw error;
}
