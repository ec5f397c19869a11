import { GridmarkError } from '../../../schema/index.js';
import { requireOverseer } from '../caller-permissions.js';
import type { RegistryStore } from '../registry-store.js';
import type { AuditStatus, Caller, IdentifierRecord, IdentifierStatus } from '../registry-types.js';
import { badInput, requireText } from '../registry-validation.js';
import { actorOf, logEntry } from './log-entries.js';
import { translateStoreError } from './store-refusals.js';
import type { SystemLookup } from './system-lookup.js';

/** What happens to an identifier after registration: its status (by its issuer) and its audit. */
export class IdentifierOversight {
  readonly #store: RegistryStore;
  readonly #systems: SystemLookup;

  constructor(store: RegistryStore, systems: SystemLookup) {
    this.#store = store;
    this.#systems = systems;
  }

  /**
   * Suspends, revokes (final) or reactivates an identifier. Its issuing system or a platform admin.
   * @throws GridmarkError `UNKNOWN_IDENTIFIER`, `FORBIDDEN`, `INVALID_STATE` (revoked), `BAD_INPUT`.
   */
  async setStatus(
    caller: Caller,
    identifier: string,
    status: IdentifierStatus,
    reason: string,
  ): Promise<IdentifierRecord> {
    const record = await this.#store.getIdentifier(identifier);
    if (!record)
      throw new GridmarkError('UNKNOWN_IDENTIFIER', `${identifier} is not registered.`, {
        details: { identifier },
      });
    await this.#systems.requireActor(caller, record.issuerCode, 'change identifier status');
    if (record.status === 'REVOKED' && status !== 'REVOKED')
      throw new GridmarkError('INVALID_STATE', `${identifier} is revoked; revocation is final.`);
    return this.#store
      .setIdentifierStatus(
        identifier,
        status,
        logEntry(caller, `identifier.${status.toLowerCase()}`, identifier, {
          reason: requireText(reason, 'reason', 500),
          from: record.status,
        }),
      )
      .catch(translateStoreError);
  }

  /** Records whether the device behind an identifier was found. Platform admins and auditors. */
  async audit(
    caller: Caller,
    identifier: string,
    result: Exclude<AuditStatus, 'UNAUDITED'>,
    note: string | null,
  ): Promise<IdentifierRecord> {
    requireOverseer(caller, 'audit identifiers');
    if (result !== 'CONFIRMED' && result !== 'NOT_FOUND')
      badInput('result must be CONFIRMED or NOT_FOUND.');
    return this.#store
      .auditIdentifier(
        identifier,
        {
          status: result,
          by: actorOf(caller),
          note: note === null ? null : requireText(note, 'note', 500),
        },
        logEntry(caller, 'identifier.audit', identifier, { result, note }),
      )
      .catch(translateStoreError);
  }
}
