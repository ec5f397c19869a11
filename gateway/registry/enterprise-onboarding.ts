import { GridmarkError } from '../../schema/index.js';
import { issueApiKey } from './api-keys.js';
import { requireAdmin, requireOverseer } from './caller-permissions.js';
import { checkCreditCode } from './credit-code.js';
import type { LogInput, RegistryStore } from './registry-store.js';
import type { Caller, Enterprise, EnterpriseStatus } from './registry-types.js';
import { requireText } from './registry-validation.js';

/** What an enterprise gives to be onboarded. */
export interface EnterpriseInput {
  /** Unified social credit code (GB 32100-2015), 18 characters. */
  readonly creditCode: string;
  readonly name: string;
  /** How the platform reaches the applicant to verify it (shown to admins and auditors only). */
  readonly contact?: string | null;
}

/** An approved enterprise and a new operator key for it, shown once. */
export interface EnterpriseKey {
  readonly enterprise: Enterprise;
  /** `gmk_...`; only its hash is kept. */
  readonly apiKey: string;
}

/**
 * Enterprise accounts: only an onboarded (APPROVED) enterprise registers business systems, and
 * only with its own operator key (or a platform admin acting for it). Self-service applications
 * wait PENDING until a platform admin, having verified the applicant out of band, approves them
 * (which issues the operator key, handed over by the admin) or rejects them.
 */
export interface EnterpriseOnboarding {
  /**
   * Applies for an enterprise account; no key needed. A rejected enterprise may apply again.
   * @throws GridmarkError `BAD_CREDIT_CODE`, `BAD_INPUT`, `ALREADY_REGISTERED` (pending or onboarded).
   */
  applyForEnterprise(caller: Caller, input: EnterpriseInput): Promise<Enterprise>;
  /**
   * Opens an approved account and issues its first operator key. Platform admins.
   * @throws GridmarkError `FORBIDDEN`, `BAD_CREDIT_CODE`, `BAD_INPUT`, `ALREADY_REGISTERED`,
   * `INVALID_STATE` (an application is pending: approve or reject it).
   */
  createEnterprise(caller: Caller, input: EnterpriseInput): Promise<EnterpriseKey>;
  /**
   * Approves a pending application and issues its first operator key. Platform admins.
   * @throws GridmarkError `FORBIDDEN`, `NOT_FOUND`, `INVALID_STATE` (not pending).
   */
  approveEnterprise(caller: Caller, creditCode: string): Promise<EnterpriseKey>;
  /**
   * Rejects a pending application; the enterprise registers nothing. Platform admins.
   * @throws GridmarkError `FORBIDDEN`, `BAD_INPUT` (no reason), `NOT_FOUND`, `INVALID_STATE` (not pending).
   */
  rejectEnterprise(caller: Caller, creditCode: string, reason: string): Promise<Enterprise>;
  /**
   * Issues a further operator key for an approved enterprise (a lost key, a second operator, an
   * enterprise onboarded before accounts existed). Platform admins.
   * @throws GridmarkError `FORBIDDEN`, `ENTERPRISE_NOT_APPROVED`.
   */
  issueEnterpriseKey(caller: Caller, creditCode: string): Promise<EnterpriseKey>;
  /** Enterprises, optionally of one status (PENDING: the review queue). Platform admins and auditors. */
  listEnterprises(caller: Caller, status?: EnterpriseStatus): Promise<readonly Enterprise[]>;
}

/** What onboarding needs from the registry service. */
export interface OnboardingContext {
  readonly store: RegistryStore;
  /** The credit score a new enterprise starts with. */
  readonly initialScore: number;
  readonly actor: (caller: Caller) => string;
  /** Turns a store refusal into the registry's error. */
  readonly translate: (error: unknown) => never;
}

/**
 * A unified social credit code, upper-cased, that passes the GB 32100-2015 check.
 * @throws GridmarkError `BAD_INPUT` (not text), `BAD_CREDIT_CODE`.
 */
export function requireCreditCode(value: unknown): string {
  const creditCode = requireText(value, 'creditCode', 18).toUpperCase();
  const check = checkCreditCode(creditCode);
  if (!check.ok)
    throw new GridmarkError('BAD_CREDIT_CODE', `credit code ${creditCode}: ${check.reason}.`, {
      details: { field: 'creditCode' },
    });
  return creditCode;
}

/**
 * The enterprise of `creditCode` when it is APPROVED.
 * @throws GridmarkError `ENTERPRISE_NOT_APPROVED` when it is unknown, pending or rejected.
 */
export async function approvedEnterprise(
  store: RegistryStore,
  creditCode: string,
): Promise<Enterprise> {
  const enterprise = await store.getEnterprise(creditCode);
  if (enterprise?.status === 'APPROVED') return enterprise;
  const state = enterprise
    ? enterprise.status === 'PENDING'
      ? 'waiting for review'
      : 'rejected'
    : 'not onboarded';
  throw new GridmarkError(
    'ENTERPRISE_NOT_APPROVED',
    `enterprise ${creditCode} is ${state}; a platform admin onboards enterprises before they register systems.`,
    { details: { creditCode } },
  );
}

/** Creates the enterprise-account part of the registry service. */
export function createEnterpriseOnboarding(context: OnboardingContext): EnterpriseOnboarding {
  return new EnterpriseAccounts(context);
}

/** An operator key to hand over once, and what the store keeps of it. */
interface OperatorKeyIssue {
  readonly apiKey: string;
  readonly stored: { readonly keyId: string; readonly secretHash: string; readonly label: string };
}

/** Enterprise accounts over the registry store: applications, reviews and operator keys. */
class EnterpriseAccounts implements EnterpriseOnboarding {
  readonly #context: OnboardingContext;

  constructor(context: OnboardingContext) {
    this.#context = context;
  }

  async applyForEnterprise(caller: Caller, input: EnterpriseInput): Promise<Enterprise> {
    return this.#context.store
      .applyEnterprise(this.#account(caller, input, 'enterprise.apply'))
      .catch(this.#context.translate);
  }

  async createEnterprise(caller: Caller, input: EnterpriseInput): Promise<EnterpriseKey> {
    requireAdmin(caller, 'create enterprise accounts');
    const opened = this.#account(caller, input, 'enterprise.create');
    const key = operatorKey(opened);
    const enterprise = await this.#context.store
      .createEnterprise({
        ...opened,
        log: { ...opened.log, details: { ...opened.log.details, keyId: key.stored.keyId } },
        key: key.stored,
      })
      .catch(this.#context.translate);
    return { enterprise, apiKey: key.apiKey };
  }

  async approveEnterprise(caller: Caller, rawCreditCode: string): Promise<EnterpriseKey> {
    requireAdmin(caller, 'approve enterprises');
    const creditCode = requireCreditCode(rawCreditCode);
    const pending = await this.#context.store.getEnterprise(creditCode);
    if (!pending)
      throw new GridmarkError('NOT_FOUND', `no application from enterprise ${creditCode}`, {
        details: { creditCode },
      });
    const key = operatorKey(pending);
    const enterprise = await this.#context.store
      .reviewEnterprise(
        creditCode,
        { status: 'APPROVED', key: key.stored },
        this.#logged(caller, 'enterprise.approve', creditCode, { keyId: key.stored.keyId }),
      )
      .catch(this.#context.translate);
    return { enterprise, apiKey: key.apiKey };
  }

  async rejectEnterprise(
    caller: Caller,
    rawCreditCode: string,
    rawReason: string,
  ): Promise<Enterprise> {
    requireAdmin(caller, 'reject enterprises');
    const creditCode = requireCreditCode(rawCreditCode);
    const reason = requireText(rawReason, 'reason', 500);
    return this.#context.store
      .reviewEnterprise(
        creditCode,
        { status: 'REJECTED', reason },
        this.#logged(caller, 'enterprise.reject', creditCode, { reason }),
      )
      .catch(this.#context.translate);
  }

  async issueEnterpriseKey(caller: Caller, rawCreditCode: string): Promise<EnterpriseKey> {
    requireAdmin(caller, 'issue enterprise keys');
    const { store } = this.#context;
    const enterprise = await approvedEnterprise(store, requireCreditCode(rawCreditCode));
    const key = operatorKey(enterprise);
    await store
      .createPrincipal(
        {
          ...key.stored,
          role: 'ENTERPRISE_OPERATOR',
          systemCode: null,
          appId: null,
          creditCode: enterprise.creditCode,
        },
        this.#logged(caller, 'key.issue', key.stored.keyId, {
          role: 'ENTERPRISE_OPERATOR',
          creditCode: enterprise.creditCode,
        }),
      )
      .catch(this.#context.translate);
    return { enterprise, apiKey: key.apiKey };
  }

  async listEnterprises(caller: Caller, status?: EnterpriseStatus): Promise<readonly Enterprise[]> {
    requireOverseer(caller, 'list enterprises');
    return this.#context.store.listEnterprises(status);
  }

  /** The account an application or an opening asks for, checked. @throws GridmarkError `BAD_CREDIT_CODE`, `BAD_INPUT`. */
  #account(caller: Caller, input: EnterpriseInput, action: string) {
    const creditCode = requireCreditCode(input.creditCode);
    const name = requireText(input.name, 'name');
    const contact =
      input.contact === undefined || input.contact === null
        ? null
        : requireText(input.contact, 'contact', 500);
    return {
      creditCode,
      name,
      contact,
      initialScore: this.#context.initialScore,
      log: { actor: this.#context.actor(caller), action, details: { name } },
    };
  }

  #logged(
    caller: Caller,
    action: string,
    subject: string,
    details: Record<string, unknown>,
  ): LogInput {
    return { actor: this.#context.actor(caller), action, subject, details };
  }
}

/** A new operator key for the enterprise, labelled with its name. */
function operatorKey(enterprise: { readonly name: string }): OperatorKeyIssue {
  const key = issueApiKey();
  return {
    apiKey: key.apiKey,
    stored: { keyId: key.keyId, secretHash: key.secretHash, label: `${enterprise.name} operator` },
  };
}
