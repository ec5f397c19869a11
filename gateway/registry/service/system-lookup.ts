import { GridmarkError } from '../../../schema/index.js';
import { forbid, mayActForSystem } from '../caller-permissions.js';
import type { RegistryStore } from '../registry-store.js';
import type { BusinessSystem, Caller } from '../registry-types.js';

/** Business systems by code, as the registry's operations need them: known, active, the caller's own. */
export class SystemLookup {
  readonly #store: RegistryStore;

  constructor(store: RegistryStore) {
    this.#store = store;
  }

  /** @throws GridmarkError `NOT_FOUND` for an unknown system. */
  async system(code: string): Promise<BusinessSystem> {
    const system = await this.#store.getSystem(code);
    if (!system)
      throw new GridmarkError('NOT_FOUND', `no business system ${code}`, {
        details: { systemCode: code },
      });
    return system;
  }

  /** @throws GridmarkError `NOT_FOUND`, `INVALID_STATE` for a suspended or revoked system. */
  async activeSystem(code: string): Promise<BusinessSystem> {
    const system = await this.system(code);
    if (system.status !== 'ACTIVE')
      throw new GridmarkError(
        'INVALID_STATE',
        `business system ${code} is ${system.status.toLowerCase()}`,
        { details: { systemCode: code } },
      );
    return system;
  }

  /**
   * Refuses a caller who may not act for the system: only its own key, its enterprise's operators
   * and platform admins may. Callers who act for no system, or for another, are refused before
   * anything is looked up.
   * @throws GridmarkError `UNAUTHENTICATED`, `FORBIDDEN`, `NOT_FOUND`.
   */
  async requireActor(caller: Caller, systemCode: string, what: string): Promise<void> {
    const refuse = (): never => forbid(caller, `${what} for system ${systemCode}`);
    if (caller.role === 'PLATFORM_ADMIN') return;
    if (caller.role !== 'ENTERPRISE_OPERATOR' && caller.role !== 'ENTERPRISE_USER') refuse();
    if (caller.role === 'ENTERPRISE_USER' && caller.systemCode !== systemCode) refuse();
    if (!mayActForSystem(caller, await this.system(systemCode))) refuse();
  }
}
