import { GridmarkError } from '../../../schema/index.js';
import { issueApiKey, parseApiKey, secretMatches } from '../api-keys.js';
import { requireAdmin } from '../caller-permissions.js';
import type { RegistryStore, StoredPrincipal } from '../registry-store.js';
import type { Caller, Principal } from '../registry-types.js';
import { requireText } from '../registry-validation.js';
import { logEntry } from './log-entries.js';

/** The platform's own keys (admins, auditors) and how any key becomes a caller. */
export class PrincipalKeys {
  readonly #store: RegistryStore;

  constructor(store: RegistryStore) {
    this.#store = store;
  }

  /** Resolves an `Authorization` bearer key to a principal. @throws `UNAUTHENTICATED` for a bad key. */
  async authenticate(apiKey: string | undefined): Promise<Caller> {
    if (apiKey === undefined || apiKey === '') return { role: 'ANONYMOUS' };
    const parts = parseApiKey(apiKey);
    const stored = parts ? await this.#store.findPrincipal(parts.keyId) : undefined;
    if (!parts || !stored || stored.revoked || !secretMatches(parts.secret, stored.secretHash))
      throw new GridmarkError('UNAUTHENTICATED', 'The API key is not valid.');
    return principalOf(stored);
  }

  /** Mints a key for an admin or auditor. Platform admins only. */
  async issue(caller: Caller, role: 'PLATFORM_ADMIN' | 'AUDITOR', label: string): Promise<string> {
    requireAdmin(caller, 'issue keys');
    const key = issueApiKey();
    await this.#store.createPrincipal(
      {
        keyId: key.keyId,
        role,
        systemCode: null,
        appId: null,
        creditCode: null,
        label: requireText(label, 'label', 100),
        secretHash: key.secretHash,
      },
      logEntry(caller, 'key.issue', key.keyId, { role, label }),
    );
    return key.apiKey;
  }

  /** Mints an admin key without a caller, revoking the admin keys of the same label first. */
  async bootstrapAdmin(label: string): Promise<string> {
    const console = { actor: 'console', action: 'key.revoke', subject: label, details: {} };
    await this.#store.revokePrincipals({ label, role: 'PLATFORM_ADMIN' }, console);
    const key = issueApiKey();
    await this.#store.createPrincipal(
      {
        keyId: key.keyId,
        role: 'PLATFORM_ADMIN',
        systemCode: null,
        appId: null,
        creditCode: null,
        label,
        secretHash: key.secretHash,
      },
      {
        ...console,
        action: 'key.issue',
        subject: key.keyId,
        details: { role: 'PLATFORM_ADMIN', label },
      },
    );
    return key.apiKey;
  }
}

/** The principal a stored key stands for. */
function principalOf(stored: StoredPrincipal): Principal {
  const base = { keyId: stored.keyId, label: stored.label };
  if (stored.role === 'ENTERPRISE_OPERATOR')
    return { ...base, role: 'ENTERPRISE_OPERATOR', creditCode: stored.creditCode ?? '' };
  if (stored.role === 'ENTERPRISE_USER')
    return { ...base, role: 'ENTERPRISE_USER', systemCode: stored.systemCode ?? '' };
  if (stored.role === 'APPLICATION')
    return { ...base, role: 'APPLICATION', appId: stored.appId ?? '' };
  return { ...base, role: stored.role };
}
