import { GridmarkError, isValidPrefix, silentLogger } from '../../../schema/index.js';
import { fetchSubgraphSdl } from '../../supergraph/index.js';
import { createCreditEvaluation, type CreditEvaluation } from '../credit.js';
import { createEnterpriseOnboarding, type EnterpriseOnboarding } from '../enterprise-onboarding.js';
import { cacheHotReads } from '../hot-read-cache.js';
import { createOutboundClient, type OutboundClient } from '../../outbound/index.js';
import type { RegistryOptions } from '../registry.js';
import type { RegistryStore } from '../registry-store.js';
import { ApplicationRegistry } from './application-registry.js';
import { BusinessSystems } from './business-systems.js';
import { DeviceRegistration } from './device-registration.js';
import { FieldRegistration } from './field-registration.js';
import { IdentifierOversight } from './identifier-oversight.js';
import { actorOf } from './log-entries.js';
import { PrincipalKeys } from './principal-keys.js';
import { RegistryLedger } from './registry-ledger.js';
import { RulePublisher } from './rule-publishing.js';
import { translateStoreError } from './store-refusals.js';
import { SubgraphAdmission, type SubgraphProbe } from './subgraph-admission.js';
import { SystemLookup } from './system-lookup.js';

/** The parts of the registry service, one per concern, all over the same store. */
export interface RegistryParts {
  /** The store behind the hot-read cache. */
  readonly store: RegistryStore;
  readonly outbound: OutboundClient;
  readonly lookup: SystemLookup;
  readonly ledger: RegistryLedger;
  readonly keys: PrincipalKeys;
  readonly enterprises: EnterpriseOnboarding;
  readonly systems: BusinessSystems;
  readonly fields: FieldRegistration;
  readonly devices: DeviceRegistration;
  readonly identifiers: IdentifierOversight;
  readonly applications: ApplicationRegistry;
  readonly rules: RulePublisher;
  readonly credit: CreditEvaluation;
}

/**
 * Builds the registry's parts from its options, with the defaults the options document.
 * `systemsChanged` is called after every change of the active systems or their schemas.
 * @throws GridmarkError `BAD_CONFIGURATION` when the authority prefix is not dotted numeric.
 */
export function assembleRegistryParts(
  options: RegistryOptions,
  systemsChanged: () => void,
): RegistryParts {
  const store = cacheHotReads(options.store);
  requireAuthorityPrefix(options.authorityPrefix);
  const logger = options.logger ?? silentLogger;
  const outbound = createOutboundClient(options.outbound ?? {});
  const lookup = new SystemLookup(store);
  const admission = new SubgraphAdmission(
    store,
    options.probeSubgraph ?? defaultProbe(options, outbound),
  );
  const threshold = options.creditThreshold ?? 60;
  const ledger = new RegistryLedger({
    store,
    ledger: options.ledger,
    outbox: options.outbox,
    logger,
  });
  return {
    store,
    outbound,
    lookup,
    ledger,
    keys: new PrincipalKeys(store),
    enterprises: createEnterpriseOnboarding({
      store,
      initialScore: options.initialCreditScore ?? 80,
      actor: actorOf,
      translate: translateStoreError,
    }),
    systems: new BusinessSystems({
      store,
      systems: lookup,
      admission,
      authorityPrefix: options.authorityPrefix,
      threshold,
      logger,
      systemsChanged,
    }),
    fields: new FieldRegistration({ store, systems: lookup, admission, ledger, systemsChanged }),
    devices: new DeviceRegistration({
      store,
      systems: lookup,
      ledger,
      maxBatch: options.maxBatch ?? 10_000,
    }),
    identifiers: new IdentifierOversight(store, lookup),
    applications: new ApplicationRegistry(store),
    rules: new RulePublisher(store, ledger),
    credit: createCreditEvaluation({
      store,
      threshold,
      tradedWith: options.tradedWith,
      systemOf: (code) => lookup.system(code),
      checkReactivation: (system) => admission.requireReactivation(system),
      systemsChanged,
      actor: actorOf,
      translate: translateStoreError,
    }),
  };
}

/** @throws GridmarkError `BAD_CONFIGURATION` unless the prefix is dotted numeric (or plain digits). */
function requireAuthorityPrefix(prefix: string): void {
  if (!isValidPrefix(prefix) && !/^\d+$/.test(prefix))
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      `authority prefix "${prefix}" is not dotted numeric`,
    );
}

/** By default a subgraph's SDL is read as `_service { sdl }` over HTTP, through the outbound guard. */
function defaultProbe(options: RegistryOptions, outbound: OutboundClient): SubgraphProbe {
  const timeoutMs = options.outbound?.timeoutMs ?? 3_000;
  return (name, url) => fetchSubgraphSdl(name, url, timeoutMs, outbound);
}
