import { GridmarkError, type Logger } from '../../../schema/index.js';
import { issueApiKey } from '../api-keys.js';
import { requireAdmin, requireEnterpriseActor } from '../caller-permissions.js';
import { DEFAULT_CODING_RULE, isValidCodingRule } from '../coding-rule.js';
import { approvedEnterprise, requireCreditCode } from '../enterprise-onboarding.js';
import type { RegisteredSubgraph, SystemRegistrationInput } from '../registry.js';
import type { RegistryStore } from '../registry-store.js';
import type { BusinessSystem, Caller, Enterprise, SystemStatus } from '../registry-types.js';
import {
  badInput,
  requireSubgraphName,
  requireSubgraphUrl,
  requireText,
} from '../registry-validation.js';
import { actorOf, logEntry } from './log-entries.js';
import { translateStoreError } from './store-refusals.js';
import type { SubgraphAdmission } from './subgraph-admission.js';
import type { SystemLookup } from './system-lookup.js';

/** What {@link BusinessSystems} needs from the registry service. */
export interface BusinessSystemsOptions {
  readonly store: RegistryStore;
  readonly systems: SystemLookup;
  readonly admission: SubgraphAdmission;
  /** The authority's own prefix; systems get `<authorityPrefix>.<n>`. */
  readonly authorityPrefix: string;
  /** Registration needs a credit score at least this high. */
  readonly threshold: number;
  readonly logger: Logger;
  /** Tells the live supergraph that the active systems or their schemas changed. */
  readonly systemsChanged: () => void;
}

/**
 * Business systems of onboarded enterprises: their registration (each with its own key), their
 * endpoints and statuses, and the subgraphs of the active ones, which the live supergraph follows.
 */
export class BusinessSystems {
  readonly #options: BusinessSystemsOptions;

  constructor(options: BusinessSystemsOptions) {
    this.#options = options;
  }

  /**
   * Registers a system after its enterprise, its reachability and its composition are checked.
   * @throws GridmarkError `UNAUTHENTICATED`, `FORBIDDEN`, `BAD_INPUT`, `ENTERPRISE_NOT_APPROVED`,
   * `CREDIT_TOO_LOW`, `URL_NOT_ALLOWED`, `SYSTEM_UNREACHABLE`, `ALREADY_REGISTERED`; CompositionError.
   */
  async register(
    caller: Caller,
    input: SystemRegistrationInput,
  ): Promise<{ readonly system: BusinessSystem; readonly apiKey: string }> {
    const { store, admission } = this.#options;
    const creditCode = requireCreditCode(input.creditCode);
    requireEnterpriseActor(caller, creditCode, 'register systems');
    const { systemName, subgraphName, description, url, codingRule } = parseRegistration(input);
    await this.#requireEligible(creditCode, input.enterpriseName);
    const sdl = await admission.readSchema(subgraphName, url);
    await admission.requireComposes({ name: subgraphName, url, sdl });
    const key = issueApiKey();
    const system = await store
      .createSystem({
        creditCode,
        authorityPrefix: this.#options.authorityPrefix,
        name: systemName,
        subgraphName,
        description,
        url,
        sdl,
        codingRule,
        key: { keyId: key.keyId, secretHash: key.secretHash },
        log: {
          actor: actorOf(caller),
          action: 'system.register',
          details: { creditCode, systemName, subgraphName, url },
        },
      })
      .catch(translateStoreError);
    this.#options.logger.info(
      `registered business system ${system.code} "${system.name}" (${subgraphName}) at ${url}`,
    );
    this.#options.systemsChanged();
    return { system, apiKey: key.apiKey };
  }

  /** Points an active system at a new URL, after the same reachability and composition checks. */
  async updateEndpoint(caller: Caller, code: string, rawUrl: string): Promise<BusinessSystem> {
    const { store, systems, admission } = this.#options;
    await systems.requireActor(caller, code, 'change the endpoint');
    const system = await systems.activeSystem(code);
    const url = requireSubgraphUrl(rawUrl);
    const sdl = await admission.readSchema(system.subgraphName, url);
    await admission.requireComposes({ name: system.subgraphName, url, sdl });
    const updated = await store
      .updateSystem(code, { url, sdl }, logEntry(caller, 'system.endpoint', code, { url }))
      .catch(translateStoreError);
    this.#options.systemsChanged();
    return updated;
  }

  /** Suspends, revokes (final) or reactivates a system. Platform admins. */
  async setStatus(
    caller: Caller,
    code: string,
    status: SystemStatus,
    reason: string,
  ): Promise<BusinessSystem> {
    requireAdmin(caller, "change a system's status");
    const system = await this.#options.systems.system(code);
    if (system.status === 'REVOKED' && status !== 'REVOKED')
      throw new GridmarkError(
        'INVALID_STATE',
        `business system ${code} is revoked; revocation is final.`,
      );
    if (status === 'ACTIVE' && system.status !== 'ACTIVE')
      await this.#options.admission.requireReactivation(system);
    const updated = await this.#options.store
      .updateSystem(
        code,
        { status },
        logEntry(caller, `system.${status.toLowerCase()}`, code, {
          reason: requireText(reason, 'reason', 500),
          from: system.status,
        }),
      )
      .catch(translateStoreError);
    this.#options.systemsChanged();
    return updated;
  }

  /** The active systems' subgraphs, as last read, each with its registered `Device` fields. */
  async activeSubgraphs(): Promise<readonly RegisteredSubgraph[]> {
    const { store } = this.#options;
    const fields = await store.listFields();
    return (await store.systemSdls('ACTIVE')).map((s) => ({
      name: s.subgraphName,
      url: s.url,
      sdl: s.sdl,
      fields: fields.filter((f) => f.systemCode === s.code).map((f) => f.name),
    }));
  }

  /**
   * The enterprise may register: it is approved, named as it was onboarded (when named), and its
   * credit reaches the threshold.
   * @throws GridmarkError `ENTERPRISE_NOT_APPROVED`, `BAD_INPUT`, `CREDIT_TOO_LOW`.
   */
  async #requireEligible(
    creditCode: string,
    enterpriseName: string | null | undefined,
  ): Promise<Enterprise> {
    const { threshold } = this.#options;
    const enterprise = await approvedEnterprise(this.#options.store, creditCode);
    if (
      enterpriseName !== undefined &&
      enterpriseName !== null &&
      requireText(enterpriseName, 'enterpriseName') !== enterprise.name
    ) {
      badInput(
        `enterpriseName "${enterpriseName}" is not the name ${creditCode} was onboarded with ("${enterprise.name}"); omit it.`,
        { field: 'enterpriseName' },
      );
    }
    const score = enterprise.creditScore;
    if (score < threshold)
      throw new GridmarkError(
        'CREDIT_TOO_LOW',
        `the credit score of ${creditCode} is ${score}; registration needs ${threshold}.`,
        { details: { field: 'creditCode' } },
      );
    return enterprise;
  }
}

/** The system's own details, checked. @throws GridmarkError `BAD_INPUT`, `URL_NOT_ALLOWED`. */
function parseRegistration(input: SystemRegistrationInput) {
  const systemName = requireText(input.systemName, 'systemName');
  const subgraphName = requireSubgraphName(input.subgraphName);
  const description = requireText(input.description, 'description', 2_000);
  const url = requireSubgraphUrl(input.url);
  const codingRule = input.codingRule ?? DEFAULT_CODING_RULE;
  if (!isValidCodingRule(codingRule))
    badInput(
      'codingRule must contain {code} once and may contain {kind}, e.g. "{code}" or "{kind}-{code}".',
      { field: 'codingRule' },
    );
  return { systemName, subgraphName, description, url, codingRule };
}
