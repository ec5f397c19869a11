import { GridmarkError } from '../../../schema/index.js';
import { issueApiKey } from '../api-keys.js';
import { requireAdmin, requireApplicationActor } from '../caller-permissions.js';
import type { RegistryStore } from '../registry-store.js';
import type { Application, ApplicationKeyRecord, Caller } from '../registry-types.js';
import { badInput, requireText, requireToken } from '../registry-validation.js';
import { actorOf, logEntry } from './log-entries.js';
import { translateStoreError } from './store-refusals.js';

/** Data applications (patent: 数据应用系统): their registration, roles and API keys. */
export class ApplicationRegistry {
  readonly #store: RegistryStore;

  constructor(store: RegistryStore) {
    this.#store = store;
  }

  /** Registers an application with its roles; returns it with its key (shown once). Platform admins. */
  async register(
    caller: Caller,
    input: { readonly name: string; readonly roles: readonly string[] },
  ): Promise<{ readonly application: Application; readonly apiKey: string }> {
    requireAdmin(caller, 'register applications');
    const name = requireText(input.name, 'name');
    if (!Array.isArray(input.roles) || input.roles.length === 0)
      badInput('an application needs at least one role.', { field: 'roles' });
    const roles = input.roles.map((r) => requireToken(r, 'role'));
    const key = issueApiKey();
    const application = await this.#store
      .createApplication({
        name,
        roles,
        key: { keyId: key.keyId, secretHash: key.secretHash },
        log: { actor: actorOf(caller), action: 'application.register', details: { name, roles } },
      })
      .catch(translateStoreError);
    return { application, apiKey: key.apiKey };
  }

  /** Every key the application was given. The application itself, platform admins and auditors. */
  async keys(caller: Caller, appId: string): Promise<readonly ApplicationKeyRecord[]> {
    requireApplicationActor(caller, appId, 'list the keys', { overseers: true });
    await this.#requireApplication(appId);
    return this.#store.listApplicationKeys(appId);
  }

  /** Revokes one of the application's keys. The application itself or a platform admin. */
  async revokeKey(caller: Caller, appId: string, keyId: string): Promise<ApplicationKeyRecord> {
    requireApplicationActor(caller, appId, 'revoke a key');
    await this.#requireApplication(appId);
    return this.#store
      .revokeApplicationKey(
        appId,
        requireText(keyId, 'keyId', 64),
        logEntry(caller, 'key.revoke', keyId, { role: 'APPLICATION', appId }),
      )
      .catch(translateStoreError);
  }

  /** Mints a further key for the application of this name (shown once). Platform admins. */
  async issueKey(
    caller: Caller,
    name: string,
  ): Promise<{ readonly appId: string; readonly apiKey: string }> {
    requireAdmin(caller, 'issue application keys');
    const application = await this.#store.findApplication(requireText(name, 'name'));
    if (!application) throw new GridmarkError('NOT_FOUND', `no application named "${name}"`);
    const key = issueApiKey();
    await this.#store.createPrincipal(
      {
        keyId: key.keyId,
        role: 'APPLICATION',
        systemCode: null,
        appId: application.appId,
        creditCode: null,
        label: `${application.name} application`,
        secretHash: key.secretHash,
      },
      logEntry(caller, 'key.issue', key.keyId, { role: 'APPLICATION', appId: application.appId }),
    );
    return { appId: application.appId, apiKey: key.apiKey };
  }

  async #requireApplication(appId: string): Promise<void> {
    if (!(await this.#store.getApplication(appId)))
      throw new GridmarkError('NOT_FOUND', `no application ${appId}`);
  }
}
