import { EventEmitter } from 'node:events';
import { forbid, requireOverseer } from './caller-permissions.js';
import type { CreditEvaluation } from './credit.js';
import type { EnterpriseInput, EnterpriseOnboarding } from './enterprise-onboarding.js';
import type { OutboundClient } from '../outbound/index.js';
import type { Registry, RegistryOptions, SystemRegistrationInput } from './registry.js';
import type { DeviceBatchOptions, RegistryStore } from './registry-store.js';
import type {
  AssociationEntry,
  AuditStatus,
  Caller,
  ClaimInput,
  EnterpriseStatus,
  IdentifierStatus,
  OwnDeviceInput,
  RegistryLogEntry,
  RegistryStatistics,
  SystemStatus,
} from './registry-types.js';
import type { ApplicationRegistry } from './service/application-registry.js';
import type { BusinessSystems } from './service/business-systems.js';
import type { DeviceRegistration } from './service/device-registration.js';
import type { FieldInput, FieldRegistration } from './service/field-registration.js';
import type { IdentifierOversight } from './service/identifier-oversight.js';
import type { PrincipalKeys } from './service/principal-keys.js';
import { assembleRegistryParts } from './service/registry-parts.js';
import type { CommitmentInput, RegistryLedger } from './service/registry-ledger.js';
import type { RuleInput, RulePublisher } from './service/rule-publishing.js';
import type { SystemLookup } from './service/system-lookup.js';
import { SystemSelfService } from './service/system-self-service.js';

export type {
  RegisteredSubgraph,
  Registry,
  RegistryOptions,
  SystemRegistrationInput,
} from './registry.js';

/** Creates the registry service over a store. @throws GridmarkError `BAD_CONFIGURATION` for a bad prefix. */
export function createRegistry(options: RegistryOptions): Registry {
  return new RegistryService(options);
}

/**
 * The registry service: checks who may act, then hands each operation to the part that owns it
 * (business systems, fields, devices, identifiers, applications and rules, keys, enterprises,
 * credit, the ledger). Every part shares the one store, behind the hot-read cache.
 */
class RegistryService implements Registry {
  readonly outbound: OutboundClient;
  readonly #changes = new EventEmitter();
  readonly #store: RegistryStore;
  readonly #lookup: SystemLookup;
  readonly #ledger: RegistryLedger;
  readonly #keys: PrincipalKeys;
  readonly #enterprises: EnterpriseOnboarding;
  readonly #systems: BusinessSystems;
  readonly #fields: FieldRegistration;
  readonly #devices: DeviceRegistration;
  readonly #identifiers: IdentifierOversight;
  readonly #applications: ApplicationRegistry;
  readonly #rules: RulePublisher;
  readonly #credit: CreditEvaluation;

  constructor(options: RegistryOptions) {
    const parts = assembleRegistryParts(options, () => void this.#changes.emit('changed'));
    this.outbound = parts.outbound;
    this.#store = parts.store;
    this.#lookup = parts.lookup;
    this.#ledger = parts.ledger;
    this.#keys = parts.keys;
    this.#enterprises = parts.enterprises;
    this.#systems = parts.systems;
    this.#fields = parts.fields;
    this.#devices = parts.devices;
    this.#identifiers = parts.identifiers;
    this.#applications = parts.applications;
    this.#rules = parts.rules;
    this.#credit = parts.credit;
  }

  // Keys and callers

  authenticate(apiKey: string | undefined) {
    return this.#keys.authenticate(apiKey);
  }

  issueKey(caller: Caller, role: 'PLATFORM_ADMIN' | 'AUDITOR', label: string) {
    return this.#keys.issue(caller, role, label);
  }

  bootstrapAdminKey(label: string) {
    return this.#keys.bootstrapAdmin(label);
  }

  // Enterprises

  applyForEnterprise(caller: Caller, input: EnterpriseInput) {
    return this.#enterprises.applyForEnterprise(caller, input);
  }

  createEnterprise(caller: Caller, input: EnterpriseInput) {
    return this.#enterprises.createEnterprise(caller, input);
  }

  approveEnterprise(caller: Caller, creditCode: string) {
    return this.#enterprises.approveEnterprise(caller, creditCode);
  }

  rejectEnterprise(caller: Caller, creditCode: string, reason: string) {
    return this.#enterprises.rejectEnterprise(caller, creditCode, reason);
  }

  issueEnterpriseKey(caller: Caller, creditCode: string) {
    return this.#enterprises.issueEnterpriseKey(caller, creditCode);
  }

  listEnterprises(caller: Caller, status?: EnterpriseStatus) {
    return this.#enterprises.listEnterprises(caller, status);
  }

  getEnterprise(creditCode: string) {
    return this.#store.getEnterprise(creditCode);
  }

  // Business systems

  registerSystem(caller: Caller, input: SystemRegistrationInput) {
    return this.#systems.register(caller, input);
  }

  updateSystemEndpoint(caller: Caller, code: string, url: string) {
    return this.#systems.updateEndpoint(caller, code, url);
  }

  setSystemStatus(caller: Caller, code: string, status: SystemStatus, reason: string) {
    return this.#systems.setStatus(caller, code, status, reason);
  }

  getSystem(code: string) {
    return this.#store.getSystem(code);
  }

  listSystems(status?: SystemStatus) {
    return this.#store.listSystems(status);
  }

  activeSubgraphs() {
    return this.#systems.activeSubgraphs();
  }

  onSystemsChanged(listener: () => void): () => void {
    this.#changes.on('changed', listener);
    return () => void this.#changes.off('changed', listener);
  }

  // Fields

  registerFields(caller: Caller, systemCode: string, fields: readonly FieldInput[]) {
    return this.#fields.register(caller, systemCode, fields);
  }

  listFields(systemCode?: string) {
    return this.#store.listFields(systemCode);
  }

  // Devices, identifiers and the association catalog

  registerDevices(
    caller: Caller,
    systemCode: string,
    devices: readonly OwnDeviceInput[],
    batch: DeviceBatchOptions = {},
  ) {
    return this.#devices.registerOwn(caller, systemCode, devices, batch);
  }

  claimDevices(
    caller: Caller,
    systemCode: string,
    claims: readonly ClaimInput[],
    batch: DeviceBatchOptions = {},
  ) {
    return this.#devices.claim(caller, systemCode, claims, batch);
  }

  setIdentifierStatus(
    caller: Caller,
    identifier: string,
    status: IdentifierStatus,
    reason: string,
  ) {
    return this.#identifiers.setStatus(caller, identifier, status, reason);
  }

  auditIdentifier(
    caller: Caller,
    identifier: string,
    result: Exclude<AuditStatus, 'UNAUDITED'>,
    note: string | null,
  ) {
    return this.#identifiers.audit(caller, identifier, result, note);
  }

  getIdentifier(identifier: string) {
    return this.#store.getIdentifier(identifier);
  }

  async association(deviceId: string): Promise<AssociationEntry | undefined> {
    return (await this.#store.associations([deviceId])).get(deviceId);
  }

  lookup(identifiers: readonly string[]) {
    return this.#store.directoryEntries(identifiers);
  }

  // Applications and rules

  registerApplication(
    caller: Caller,
    input: { readonly name: string; readonly roles: readonly string[] },
  ) {
    return this.#applications.register(caller, input);
  }

  getApplication(appId: string) {
    return this.#store.getApplication(appId);
  }

  applicationKeys(caller: Caller, appId: string) {
    return this.#applications.keys(caller, appId);
  }

  revokeApplicationKey(caller: Caller, appId: string, keyId: string) {
    return this.#applications.revokeKey(caller, appId, keyId);
  }

  issueApplicationKey(caller: Caller, name: string) {
    return this.#applications.issueKey(caller, name);
  }

  publishRule(caller: Caller, input: RuleInput) {
    return this.#rules.publish(caller, input);
  }

  // Credit

  setCreditScore(caller: Caller, creditCode: string, score: number, reason: string) {
    return this.#credit.setCreditScore(caller, creditCode, score, reason);
  }

  penalizeTampering(
    systemCode: string,
    finding: Parameters<CreditEvaluation['penalizeTampering']>[1],
  ) {
    return this.#credit.penalizeTampering(systemCode, finding);
  }

  penalizeFailedVerification(
    systemCode: string,
    finding: Parameters<CreditEvaluation['penalizeFailedVerification']>[1],
  ) {
    return this.#credit.penalizeFailedVerification(systemCode, finding);
  }

  submitFeedback(caller: Caller, input: Parameters<CreditEvaluation['submitFeedback']>[1]) {
    return this.#credit.submitFeedback(caller, input);
  }

  reinstateSystem(
    caller: Caller,
    code: string,
    input: Parameters<CreditEvaluation['reinstateSystem']>[2],
  ) {
    return this.#credit.reinstateSystem(caller, code, input);
  }

  creditHistory(caller: Caller, filter: Parameters<CreditEvaluation['creditHistory']>[1]) {
    return this.#credit.creditHistory(caller, filter);
  }

  // Oversight

  async statistics(caller: Caller): Promise<RegistryStatistics> {
    if (caller.role === 'ANONYMOUS') forbid(caller, 'read statistics');
    return this.#store.statistics();
  }

  async log(caller: Caller, after: number, limit: number): Promise<readonly RegistryLogEntry[]> {
    requireOverseer(caller, 'read the registry log');
    return this.#store.log(after, Math.min(Math.max(limit, 1), 1_000));
  }

  // The ledger

  async anchorCommitments(
    caller: Caller,
    systemCode: string,
    commitments: readonly CommitmentInput[],
    options: { readonly vouched?: boolean } = {},
  ) {
    await this.#lookup.requireActor(caller, systemCode, 'anchor commitments');
    await this.#lookup.activeSystem(systemCode);
    return this.#ledger.anchorCommitments(systemCode, commitments, options);
  }

  ledgerAnchors(keys: readonly (readonly [string, string])[]) {
    return this.#ledger.anchors(keys);
  }

  ledgerResolution(resolutionId: string) {
    return this.#ledger.resolution(resolutionId);
  }

  systemIdentifiers(
    caller: Caller,
    code: string,
    page: Parameters<Registry['systemIdentifiers']>[2],
  ) {
    return new SystemSelfService(this.#store, this.#ledger).identifiers(caller, code, page);
  }

  systemAnchoring(caller: Caller, code: string) {
    return new SystemSelfService(this.#store, this.#ledger).anchoring(caller, code);
  }

  flushLedgerEvidence(timeoutMs?: number) {
    return this.#ledger.flush(timeoutMs);
  }

  async close(): Promise<void> {
    await this.#ledger.close();
    await this.#store.close();
  }
}
