import { cacheHotReads } from './hot-read-cache.js';
import { EventEmitter } from 'node:events';
import {
  GridmarkError,
  isValidPrefix,
  parseIdentifier,
  silentLogger,
  type Logger,
} from '../../schema/index.js';
import { CATALOG_SDL, CATALOG_SUBGRAPH } from '../catalog/catalog-subgraph.js';
import type { DeviceDirectory } from '../catalog/device-directory.js';
import { composeSupergraph } from '../supergraph/compose-supergraph.js';
import { fetchSubgraphSdl } from '../supergraph/fetch-subgraph-sdl.js';
import {
  createOutboundClient,
  type OutboundClient,
  type OutboundOptions,
} from './outbound/index.js';
import { issueApiKey, parseApiKey, secretMatches } from './api-keys.js';
import { DEFAULT_CODING_RULE, applyCodingRule, isValidCodingRule } from './coding-rule.js';
import { createCreditEvaluation, type CreditEvaluation } from './credit.js';
import type { LedgerAdapter } from '../../ledger-adapter/adapter/index.js';
import type { Anchor, ParsingRule, Resolution } from '../../ledger-adapter/contract/records.js';
import { openLedgerOutbox, type LedgerOutbox } from '../../ledger-adapter/outbox/index.js';
import { createLedgerEvidencePublisher } from './ledger-evidence-publisher.js';
import {
  forbid,
  mayActForSystem,
  requireAdmin,
  requireApplicationActor,
  requireEnterpriseActor,
  requireOverseer,
} from './caller-permissions.js';
import {
  approvedEnterprise,
  createEnterpriseOnboarding,
  requireCreditCode,
  type EnterpriseOnboarding,
} from './enterprise-onboarding.js';
import {
  StoreConflict,
  type DeviceBatchOptions,
  type LogInput,
  type RegistryStore,
} from './registry-store.js';
import type {
  Application,
  ApplicationKeyRecord,
  AssociationEntry,
  AuditStatus,
  BusinessSystem,
  Caller,
  ClaimInput,
  DeviceBatchResult,
  Enterprise,
  IdentifierRecord,
  IdentifierStatus,
  OwnDeviceInput,
  Principal,
  RegisteredField,
  RegistryLogEntry,
  RegistryStatistics,
  SystemStatus,
} from './registry-types.js';
import {
  badInput,
  deviceFieldsOf,
  requireChangePolicy,
  requireFee,
  requireFieldName,
  requireKind,
  requireLocalCode,
  requireSchemaPolicy,
  requireSubgraphName,
  requireSubgraphUrl,
  requireText,
  requireToken,
} from './registry-validation.js';

/** Options of {@link createRegistry}. */
export interface RegistryOptions {
  readonly store: RegistryStore;
  /** The authority's own prefix; systems get `<authorityPrefix>.<n>`. */
  readonly authorityPrefix: string;
  /** Credit score a new enterprise starts with (0-100). */
  readonly initialCreditScore?: number;
  /** Registration needs a credit score at least this high. */
  readonly creditThreshold?: number;
  /** Reads a subgraph's SDL; by default `_service { sdl }` over HTTP through the {@link RegistryOptions.outbound} guard. */
  readonly probeSubgraph?: (name: string, url: string) => Promise<string>;
  /**
   * What the registry's calls to applicant URLs may reach, their deadline and size cap. By default
   * private, loopback, link-local, metadata and other restricted networks are refused; a network
   * run on one machine (the demo, tests) passes `DEVELOPMENT_OUTBOUND`.
   */
  readonly outbound?: OutboundOptions;
  /** Most devices in one registration call. */
  readonly maxBatch?: number;
  /** The ledger that receives the registry's evidence (fields, association catalog); none keeps it local. */
  readonly ledger?: LedgerAdapter;
  /**
   * The durable ledger outbox the evidence goes through, shared with the gateway. Without one, the
   * registry keeps an outbox in memory over `ledger` (its change log still survives a crash, but
   * what was handed over does not): for tests only.
   */
  readonly outbox?: LedgerOutbox;
  /** Whether an application has traded with a business system, so may rate it; absent, every rating is refused. */
  readonly tradedWith?: (appId: string, systemCode: string) => Promise<boolean>;
  readonly logger?: Logger;
}

/** What a system registration submits (patent [0058]-[0062]). */
export interface SystemRegistrationInput {
  /** The onboarded enterprise's name, when given, must be the one its account holds. */
  readonly enterpriseName?: string | null;
  /** The enterprise the system belongs to: onboarded (APPROVED), and the caller's own. */
  readonly creditCode: string;
  readonly systemName: string;
  readonly subgraphName: string;
  readonly description: string;
  readonly url: string;
  readonly codingRule?: string;
}

/** A subgraph the live supergraph should contain. */
export interface RegisteredSubgraph {
  readonly name: string;
  readonly url: string;
  readonly sdl: string;
  /** Its registered `Device` fields: the only ones the gateway asks it for. */
  readonly fields: readonly string[];
}

/** The identifier registry: business systems, their fields and devices, the association catalog, credit. */
export interface Registry extends DeviceDirectory, CreditEvaluation, EnterpriseOnboarding {
  /** Resolves an `Authorization` bearer key to a principal. @throws `UNAUTHENTICATED` for a bad key. */
  authenticate(apiKey: string | undefined): Promise<Caller>;
  /**
   * Registers a business system of an onboarded enterprise, with the enterprise's operator key
   * (or a platform admin's); returns the system and its own key (shown once).
   * @throws GridmarkError `UNAUTHENTICATED`, `FORBIDDEN` (another enterprise's key),
   * `ENTERPRISE_NOT_APPROVED`, `CREDIT_TOO_LOW`, `URL_NOT_ALLOWED`, `SYSTEM_UNREACHABLE`, `COMPOSITION_FAILED`.
   */
  registerSystem(
    caller: Caller,
    input: SystemRegistrationInput,
  ): Promise<{ readonly system: BusinessSystem; readonly apiKey: string }>;
  updateSystemEndpoint(caller: Caller, code: string, url: string): Promise<BusinessSystem>;
  setSystemStatus(
    caller: Caller,
    code: string,
    status: SystemStatus,
    reason: string,
  ): Promise<BusinessSystem>;
  /**
   * Registers (or re-prices) a system's shareable fields with their change policy: the only
   * source of the policy the gateway and the ledger apply. A new field named without one is
   * `refuse`; a re-registration that names none keeps the field's policy.
   */
  registerFields(
    caller: Caller,
    systemCode: string,
    fields: readonly {
      readonly name: string;
      readonly feeFen?: number | null;
      readonly changePolicy?: RegisteredField['changePolicy'] | null;
    }[],
  ): Promise<readonly RegisteredField[]>;
  /**
   * Registers a batch of the system's own devices, all or nothing. The same device again (same
   * local code and kind) changes nothing; with another kind it is `DEVICE_KIND_CONFLICT`. With
   * `dryRun` the batch is checked against the registry as it is and nothing is written.
   * @throws GridmarkError `BAD_DEVICE_ROW`, `DUPLICATE_IDENTIFIER`, `DEVICE_KIND_CONFLICT` (with `details.row`), `LIMIT_EXCEEDED`.
   */
  registerDevices(
    caller: Caller,
    systemCode: string,
    devices: readonly OwnDeviceInput[],
    options?: DeviceBatchOptions,
  ): Promise<DeviceBatchResult>;
  /** Records the system's local codes for devices others identified, all or nothing; `dryRun` as for {@link registerDevices}. */
  claimDevices(
    caller: Caller,
    systemCode: string,
    claims: readonly ClaimInput[],
    options?: DeviceBatchOptions,
  ): Promise<DeviceBatchResult>;
  setIdentifierStatus(
    caller: Caller,
    identifier: string,
    status: IdentifierStatus,
    reason: string,
  ): Promise<IdentifierRecord>;
  auditIdentifier(
    caller: Caller,
    identifier: string,
    result: Exclude<AuditStatus, 'UNAUDITED'>,
    note: string | null,
  ): Promise<IdentifierRecord>;
  /**
   * Every API key an application was given, revoked ones included, oldest first (ids, labels and
   * times; never a key). The application itself, platform admins and auditors.
   * @throws GridmarkError `NOT_FOUND` for an unknown application, `FORBIDDEN`, `UNAUTHENTICATED`.
   */
  applicationKeys(caller: Caller, appId: string): Promise<readonly ApplicationKeyRecord[]>;
  /**
   * Revokes one of an application's API keys at once (the hot-read cache forgets it too); a key
   * already revoked stays as it was. The application itself or a platform admin.
   * @throws GridmarkError `NOT_FOUND` when the application has no such key, `FORBIDDEN`, `UNAUTHENTICATED`.
   */
  revokeApplicationKey(caller: Caller, appId: string, keyId: string): Promise<ApplicationKeyRecord>;
  /** Registers a data application with the roles its users act in; returns its id and key (shown once). Platform admins. */
  registerApplication(
    caller: Caller,
    input: { readonly name: string; readonly roles: readonly string[] },
  ): Promise<{ readonly application: Application; readonly apiKey: string }>;
  getApplication(appId: string): Promise<Application | undefined>;
  /** Mints a further key for a registered application, found by name (shown once). Platform admins. */
  issueApplicationKey(
    caller: Caller,
    name: string,
  ): Promise<{ readonly appId: string; readonly apiKey: string }>;
  /**
   * Publishes an application's parsing rule to the ledger contract: for a function (and a role,
   * or `*` for any), the field codes it needs. Only registered fields may be named.
   */
  publishRule(
    caller: Caller,
    input: {
      readonly appId: string;
      readonly function: string;
      readonly role: string;
      readonly fieldCodes: readonly string[];
    },
  ): Promise<ParsingRule>;
  /** Mints a key for an admin or auditor. Platform admins only. */
  issueKey(caller: Caller, role: 'PLATFORM_ADMIN' | 'AUDITOR', label: string): Promise<string>;
  /** Mints an admin key without a caller: for the operator at the registry's console, never over the API. */
  bootstrapAdminKey(label: string): Promise<string>;
  getSystem(code: string): Promise<BusinessSystem | undefined>;
  getEnterprise(creditCode: string): Promise<Enterprise | undefined>;
  listSystems(status?: SystemStatus): Promise<readonly BusinessSystem[]>;
  listFields(systemCode?: string): Promise<readonly RegisteredField[]>;
  getIdentifier(identifier: string): Promise<IdentifierRecord | undefined>;
  association(deviceId: string): Promise<AssociationEntry | undefined>;
  statistics(caller: Caller): Promise<RegistryStatistics>;
  log(caller: Caller, after: number, limit: number): Promise<readonly RegistryLogEntry[]>;
  /**
   * The guard of calls to registered systems' URLs (see {@link RegistryOptions.outbound}): whoever
   * reads a registered system's schema again (the gateway's supergraph) goes through it too.
   */
  readonly outbound: OutboundClient;
  /** The active systems' subgraphs, as last read at registration. */
  activeSubgraphs(): Promise<readonly RegisteredSubgraph[]>;
  /**
   * Forwards a system's field commitments to the ledger (its own fields only). `vouched`: the
   * system vouches for the values from its write path, so they may replace the anchors of
   * `refuse` fields (the ledger refuses that otherwise, `LEDGER_REJECTED` with `NOT_VOUCHED`).
   * @throws GridmarkError `BAD_CONFIGURATION` when the registry has no ledger.
   */
  anchorCommitments(
    caller: Caller,
    systemCode: string,
    commitments: readonly {
      readonly deviceId: string;
      readonly fieldCode: string;
      readonly commitment: string;
    }[],
    options?: { readonly vouched?: boolean },
  ): Promise<{ readonly count: number; readonly txId: string }>;
  /** The ledger's anchors of these (device, field code) pairs: public evidence, read through the aggregator. */
  ledgerAnchors(keys: readonly (readonly [string, string])[]): Promise<(Anchor | null)[]>;
  /** A resolution recorded on the ledger, or null. */
  ledgerResolution(resolutionId: string): Promise<Resolution | null>;
  /** Waits until the ledger holds every registration made so far (no-op without a ledger). */
  flushLedgerEvidence(timeoutMs?: number): Promise<void>;
  /** Calls `listener` after every change of the set of active systems or their schemas. */
  onSystemsChanged(listener: () => void): () => void;
  close(): Promise<void>;
}

/** Creates the registry service over a store. */
export function createRegistry(options: RegistryOptions): Registry {
  const store = cacheHotReads(options.store);
  if (!isValidPrefix(options.authorityPrefix) && !/^\d+$/.test(options.authorityPrefix))
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      `authority prefix "${options.authorityPrefix}" is not dotted numeric`,
    );
  const initialScore = options.initialCreditScore ?? 80;
  const threshold = options.creditThreshold ?? 60;
  const maxBatch = options.maxBatch ?? 10_000;
  const logger = options.logger ?? silentLogger;
  const outbound = createOutboundClient(options.outbound ?? {});
  const probe =
    options.probeSubgraph ??
    ((name: string, url: string) =>
      fetchSubgraphSdl(name, url, options.outbound?.timeoutMs ?? 3_000, outbound));
  const changes = new EventEmitter();
  const changed = (): void => void changes.emit('changed');
  const ownOutbox =
    options.ledger && !options.outbox
      ? openLedgerOutbox({ ledger: options.ledger, logger })
      : undefined;
  const outbox = options.outbox ?? ownOutbox;
  const evidence = outbox ? createLedgerEvidencePublisher(store, outbox, logger) : undefined;
  evidence?.poke();

  const actor = (caller: Caller): string =>
    caller.role === 'ANONYMOUS' ? 'anonymous' : `${caller.role}:${caller.keyId}`;
  /**
   * Refuses a caller who may not act for the system: only its own key, its enterprise's operators
   * and platform admins may. Callers who act for no system, or for another, are refused before
   * anything is looked up.
   * @throws GridmarkError `UNAUTHENTICATED`, `FORBIDDEN`, `NOT_FOUND`.
   */
  const requireSystemActor = async (
    caller: Caller,
    systemCode: string,
    what: string,
  ): Promise<void> => {
    const refuse = (): never => forbid(caller, `${what} for system ${systemCode}`);
    if (caller.role === 'PLATFORM_ADMIN') return;
    if (caller.role !== 'ENTERPRISE_OPERATOR' && caller.role !== 'ENTERPRISE_USER') refuse();
    if (caller.role === 'ENTERPRISE_USER' && caller.systemCode !== systemCode) refuse();
    if (!mayActForSystem(caller, await systemOf(systemCode))) refuse();
  };
  /** @throws GridmarkError `NOT_FOUND` for an unknown system. */
  const systemOf = async (code: string): Promise<BusinessSystem> => {
    const system = await store.getSystem(code);
    if (!system)
      throw new GridmarkError('NOT_FOUND', `no business system ${code}`, {
        details: { systemCode: code },
      });
    return system;
  };
  const activeSystem = async (code: string): Promise<BusinessSystem> => {
    const system = await systemOf(code);
    if (system.status !== 'ACTIVE')
      throw new GridmarkError(
        'INVALID_STATE',
        `business system ${code} is ${system.status.toLowerCase()}`,
        { details: { systemCode: code } },
      );
    return system;
  };
  const probeOrRefuse = async (name: string, url: string): Promise<string> => {
    try {
      return await probe(name, url);
    } catch (cause) {
      if (cause instanceof GridmarkError && cause.code === 'URL_NOT_ALLOWED') throw cause;
      const reason = cause instanceof GridmarkError ? cause.details['reason'] : undefined;
      throw new GridmarkError(
        'SYSTEM_UNREACHABLE',
        `${url} did not serve a federation subgraph (_service { sdl }) in time.`,
        { cause, details: { field: 'url', ...(typeof reason === 'string' ? { reason } : {}) } },
      );
    }
  };
  /** A suspended system coming back must still compose with what joined meanwhile. */
  const checkReactivation = async (system: BusinessSystem): Promise<void> => {
    const sdl =
      (await store.systemSdls(system.status)).find((s) => s.code === system.code)?.sdl ?? '';
    await checkComposes({ name: system.subgraphName, url: system.url, sdl });
  };
  /** The composition check: the live supergraph with `candidate` added or replaced. */
  const checkComposes = async (candidate: Omit<RegisteredSubgraph, 'fields'>): Promise<void> => {
    // Throws SCHEMA_POLICY_VIOLATION naming what the schema asks for beyond its own fields.
    await requireSchemaPolicy(store, candidate);
    const live = (await store.systemSdls('ACTIVE')).filter(
      (s) => s.subgraphName !== candidate.name,
    );
    // Throws CompositionError naming the subgraphs at fault; nothing has been written yet.
    composeSupergraph([
      { name: CATALOG_SUBGRAPH, url: 'gridmark://catalog', sdl: CATALOG_SDL },
      ...live.map((s) => ({ name: s.subgraphName, url: s.url, sdl: s.sdl })),
      candidate,
    ]);
  };
  const translate = (error: unknown): never => {
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
  };
  const logged = (
    caller: Caller,
    action: string,
    subject: string,
    details: Record<string, unknown> = {},
  ): LogInput => ({ actor: actor(caller), action, subject, details });
  const checkBatch = (rows: readonly unknown[]): void => {
    if (rows.length === 0) badInput('the batch is empty.');
    if (rows.length > maxBatch)
      throw new GridmarkError(
        'LIMIT_EXCEEDED',
        `at most ${maxBatch} devices per call; split the file into batches.`,
        { details: { limit: maxBatch } },
      );
  };

  const credit = createCreditEvaluation({
    store,
    threshold,
    tradedWith: options.tradedWith,
    systemOf,
    checkReactivation,
    systemsChanged: changed,
    actor,
    translate,
  });

  const onboarding = createEnterpriseOnboarding({ store, initialScore, actor, translate });

  return {
    ...credit,
    ...onboarding,
    outbound,
    async authenticate(apiKey) {
      if (apiKey === undefined || apiKey === '') return { role: 'ANONYMOUS' };
      const parts = parseApiKey(apiKey);
      const stored = parts ? await store.findPrincipal(parts.keyId) : undefined;
      if (!parts || !stored || stored.revoked || !secretMatches(parts.secret, stored.secretHash))
        throw new GridmarkError('UNAUTHENTICATED', 'The API key is not valid.');
      const base = { keyId: stored.keyId, label: stored.label };
      if (stored.role === 'ENTERPRISE_OPERATOR')
        return {
          ...base,
          role: 'ENTERPRISE_OPERATOR',
          creditCode: stored.creditCode ?? '',
        } satisfies Principal;
      if (stored.role === 'ENTERPRISE_USER')
        return {
          ...base,
          role: 'ENTERPRISE_USER',
          systemCode: stored.systemCode ?? '',
        } satisfies Principal;
      if (stored.role === 'APPLICATION')
        return { ...base, role: 'APPLICATION', appId: stored.appId ?? '' } satisfies Principal;
      return { ...base, role: stored.role } satisfies Principal;
    },

    async registerSystem(caller, input) {
      const creditCode = requireCreditCode(input.creditCode);
      requireEnterpriseActor(caller, creditCode, 'register systems');
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
      const enterprise = await approvedEnterprise(store, creditCode);
      if (
        input.enterpriseName !== undefined &&
        input.enterpriseName !== null &&
        requireText(input.enterpriseName, 'enterpriseName') !== enterprise.name
      ) {
        badInput(
          `enterpriseName "${input.enterpriseName}" is not the name ${creditCode} was onboarded with ("${enterprise.name}"); omit it.`,
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
      const sdl = await probeOrRefuse(subgraphName, url);
      await checkComposes({ name: subgraphName, url, sdl });
      const key = issueApiKey();
      const system = await store
        .createSystem({
          creditCode,
          authorityPrefix: options.authorityPrefix,
          name: systemName,
          subgraphName,
          description,
          url,
          sdl,
          codingRule,
          key: { keyId: key.keyId, secretHash: key.secretHash },
          log: {
            actor: actor(caller),
            action: 'system.register',
            details: { creditCode, systemName, subgraphName, url },
          },
        })
        .catch(translate);
      logger.info(
        `registered business system ${system.code} "${system.name}" (${subgraphName}) at ${url}`,
      );
      changed();
      return { system, apiKey: key.apiKey };
    },

    async updateSystemEndpoint(caller, code, rawUrl) {
      await requireSystemActor(caller, code, 'change the endpoint');
      const system = await activeSystem(code);
      const url = requireSubgraphUrl(rawUrl);
      const sdl = await probeOrRefuse(system.subgraphName, url);
      await checkComposes({ name: system.subgraphName, url, sdl });
      const updated = await store
        .updateSystem(code, { url, sdl }, logged(caller, 'system.endpoint', code, { url }))
        .catch(translate);
      changed();
      return updated;
    },

    async setSystemStatus(caller, code, status, reason) {
      requireAdmin(caller, "change a system's status");
      const system = await systemOf(code);
      if (system.status === 'REVOKED' && status !== 'REVOKED')
        throw new GridmarkError(
          'INVALID_STATE',
          `business system ${code} is revoked; revocation is final.`,
        );
      if (status === 'ACTIVE' && system.status !== 'ACTIVE') await checkReactivation(system);
      const updated = await store
        .updateSystem(
          code,
          { status },
          logged(caller, `system.${status.toLowerCase()}`, code, {
            reason: requireText(reason, 'reason', 500),
            from: system.status,
          }),
        )
        .catch(translate);
      changed();
      return updated;
    },

    async registerFields(caller, systemCode, fields) {
      await requireSystemActor(caller, systemCode, 'register fields');
      const system = await activeSystem(systemCode);
      if (fields.length === 0) badInput('register at least one field.');
      const parsed = fields.map((f) => ({
        name: requireFieldName(f.name),
        feeFen: requireFee(f.feeFen, f.name),
        changePolicy: requireChangePolicy(f.changePolicy, f.name),
      }));
      if (new Set(parsed.map((f) => f.name)).size !== parsed.length)
        badInput('a field is listed twice.');
      const sdl = await probeOrRefuse(system.subgraphName, system.url);
      await requireSchemaPolicy(store, { name: system.subgraphName, sdl });
      const served = deviceFieldsOf(sdl);
      for (const field of parsed) {
        if (!served.has(field.name))
          throw new GridmarkError(
            'FIELD_NOT_SERVED',
            `the subgraph of ${systemCode} does not serve Device.${field.name}.`,
            { details: { field: field.name } },
          );
        const owner = await store.fieldOwner(field.name);
        if (owner !== undefined && owner !== systemCode)
          throw new GridmarkError(
            'FIELD_CONFLICT',
            `Device.${field.name} is registered by ${owner}.`,
            { details: { field: field.name, systemCode: owner } },
          );
      }
      const result = await store
        .upsertFields(
          systemCode,
          parsed,
          logged(caller, 'fields.register', systemCode, { fields: parsed }),
        )
        .catch(translate);
      evidence?.poke();
      changed();
      return result;
    },

    async registerDevices(caller, systemCode, devices, batch = {}) {
      await requireSystemActor(caller, systemCode, 'register devices');
      const system = await activeSystem(systemCode);
      checkBatch(devices);
      const seen = new Map<string, number>();
      const rows = devices.map((d, i) => {
        const localCode = requireLocalCode(d.localCode, i + 1);
        const kind = requireKind(d.kind, i + 1);
        const suffix = applyCodingRule(system.codingRule, localCode, kind);
        if (suffix === undefined)
          throw new GridmarkError(
            'BAD_DEVICE_ROW',
            `row ${i + 1}: the coding rule ${system.codingRule} gives no valid suffix for ${localCode}.`,
            { details: { row: i + 1 } },
          );
        const identifier = `${system.code}/${suffix}`;
        const first = seen.get(identifier);
        if (first !== undefined)
          throw new GridmarkError(
            'DUPLICATE_IDENTIFIER',
            `row ${i + 1}: ${identifier} repeats row ${first}.`,
            { details: { row: i + 1, identifier } },
          );
        seen.set(identifier, i + 1);
        return { identifier, localCode, kind };
      });
      const result = await store
        .registerOwnDevices(
          systemCode,
          rows,
          logged(caller, 'devices.register', systemCode, {
            first: rows[0]?.identifier,
            last: rows.at(-1)?.identifier,
          }),
          { dryRun: batch.dryRun === true },
        )
        .catch(translate);
      if (!batch.dryRun) evidence?.poke();
      return result;
    },

    async claimDevices(caller, systemCode, claims, batch = {}) {
      await requireSystemActor(caller, systemCode, 'claim devices');
      await activeSystem(systemCode);
      checkBatch(claims);
      const prefixes = new Set((await store.listSystems()).map((s) => s.code));
      const rows = claims.map((c, i) => {
        const row = i + 1;
        let prefix: string;
        try {
          prefix = parseIdentifier(String(c.identifier)).prefix;
        } catch (cause) {
          throw new GridmarkError(
            'BAD_DEVICE_ROW',
            `row ${row}: ${String(c.identifier)} is not a valid identifier.`,
            { details: { row }, cause },
          );
        }
        if (!prefixes.has(prefix))
          throw new GridmarkError(
            'UNKNOWN_PREFIX',
            `row ${row}: no business system issues identifiers under ${prefix}.`,
            { details: { row, identifier: c.identifier } },
          );
        return { identifier: c.identifier, localCode: requireLocalCode(c.localCode, row) };
      });
      const result = await store
        .claimDevices(
          systemCode,
          rows,
          logged(caller, 'devices.claim', systemCode, {
            first: rows[0]?.identifier,
            last: rows.at(-1)?.identifier,
          }),
          { dryRun: batch.dryRun === true },
        )
        .catch(translate);
      if (!batch.dryRun) evidence?.poke();
      return result;
    },

    async setIdentifierStatus(caller, identifier, status, reason) {
      const record = await store.getIdentifier(identifier);
      if (!record)
        throw new GridmarkError('UNKNOWN_IDENTIFIER', `${identifier} is not registered.`, {
          details: { identifier },
        });
      await requireSystemActor(caller, record.issuerCode, 'change identifier status');
      if (record.status === 'REVOKED' && status !== 'REVOKED')
        throw new GridmarkError('INVALID_STATE', `${identifier} is revoked; revocation is final.`);
      return store
        .setIdentifierStatus(
          identifier,
          status,
          logged(caller, `identifier.${status.toLowerCase()}`, identifier, {
            reason: requireText(reason, 'reason', 500),
            from: record.status,
          }),
        )
        .catch(translate);
    },

    async auditIdentifier(caller, identifier, result, note) {
      requireOverseer(caller, 'audit identifiers');
      if (result !== 'CONFIRMED' && result !== 'NOT_FOUND')
        badInput('result must be CONFIRMED or NOT_FOUND.');
      return store
        .auditIdentifier(
          identifier,
          {
            status: result,
            by: actor(caller),
            note: note === null ? null : requireText(note, 'note', 500),
          },
          logged(caller, 'identifier.audit', identifier, { result, note }),
        )
        .catch(translate);
    },

    async registerApplication(caller, input) {
      requireAdmin(caller, 'register applications');
      const name = requireText(input.name, 'name');
      if (!Array.isArray(input.roles) || input.roles.length === 0)
        badInput('an application needs at least one role.', { field: 'roles' });
      const roles = input.roles.map((r) => requireToken(r, 'role'));
      const key = issueApiKey();
      const application = await store
        .createApplication({
          name,
          roles,
          key: { keyId: key.keyId, secretHash: key.secretHash },
          log: { actor: actor(caller), action: 'application.register', details: { name, roles } },
        })
        .catch(translate);
      return { application, apiKey: key.apiKey };
    },
    getApplication: (appId) => store.getApplication(appId),
    async applicationKeys(caller, appId) {
      requireApplicationActor(caller, appId, 'list the keys', { overseers: true });
      if (!(await store.getApplication(appId)))
        throw new GridmarkError('NOT_FOUND', `no application ${appId}`);
      return store.listApplicationKeys(appId);
    },
    async revokeApplicationKey(caller, appId, keyId) {
      requireApplicationActor(caller, appId, 'revoke a key');
      if (!(await store.getApplication(appId)))
        throw new GridmarkError('NOT_FOUND', `no application ${appId}`);
      return store
        .revokeApplicationKey(
          appId,
          requireText(keyId, 'keyId', 64),
          logged(caller, 'key.revoke', keyId, { role: 'APPLICATION', appId }),
        )
        .catch(translate);
    },
    async issueApplicationKey(caller, name) {
      requireAdmin(caller, 'issue application keys');
      const application = await store.findApplication(requireText(name, 'name'));
      if (!application) throw new GridmarkError('NOT_FOUND', `no application named "${name}"`);
      const key = issueApiKey();
      await store.createPrincipal(
        {
          keyId: key.keyId,
          role: 'APPLICATION',
          systemCode: null,
          appId: application.appId,
          creditCode: null,
          label: `${application.name} application`,
          secretHash: key.secretHash,
        },
        logged(caller, 'key.issue', key.keyId, { role: 'APPLICATION', appId: application.appId }),
      );
      return { appId: application.appId, apiKey: key.apiKey };
    },
    async publishRule(caller, input) {
      if (!(
        caller.role === 'PLATFORM_ADMIN' ||
        (caller.role === 'APPLICATION' && caller.appId === input.appId)
      ))
        forbid(caller, `publish rules for ${input.appId}`);
      const application = await store.getApplication(input.appId);
      if (!application) throw new GridmarkError('NOT_FOUND', `no application ${input.appId}`);
      const fn = requireToken(input.function, 'function');
      const role = input.role === '*' ? '*' : requireToken(input.role, 'role');
      if (role !== '*' && !application.roles.includes(role))
        badInput(
          `role ${role} is not one of ${application.appId}'s roles (${application.roles.join(', ')}).`,
          { field: 'role' },
        );
      const codes: readonly unknown[] = Array.isArray(input.fieldCodes) ? input.fieldCodes : [];
      if (codes.length === 0 || !codes.every((c): c is string => typeof c === 'string'))
        badInput('a rule names at least one field code.', { field: 'fieldCodes' });
      const active = new Set((await store.systemSdls('ACTIVE')).map((s) => s.code));
      const published = new Map(
        (await store.listFields()).filter((f) => active.has(f.systemCode)).map((f) => [f.code, f]),
      );
      const unknown = input.fieldCodes.filter((c) => !published.has(c));
      if (unknown.length > 0)
        throw new GridmarkError(
          'UNKNOWN_FIELD',
          `not registered fields of active systems: ${unknown.join(', ')}.`,
          { details: { fields: unknown } },
        );
      if (!options.ledger)
        throw new GridmarkError(
          'BAD_CONFIGURATION',
          'rules live on the ledger; this registry has none.',
        );
      // The contract accepts only fields it knows: make sure the registrations reached it.
      await evidence?.flush();
      const rule = await options.ledger.putParsingRule({
        applicationId: application.appId,
        function: fn,
        role,
        fieldCodes: [...new Set(input.fieldCodes)],
      });
      await store.appendLog(
        logged(caller, 'rule.publish', application.appId, {
          function: fn,
          role,
          fieldCodes: input.fieldCodes,
          txId: rule.txId,
        }),
      );
      return rule;
    },
    async issueKey(caller, role, label) {
      requireAdmin(caller, 'issue keys');
      const key = issueApiKey();
      await store.createPrincipal(
        {
          keyId: key.keyId,
          role,
          systemCode: null,
          appId: null,
          creditCode: null,
          label: requireText(label, 'label', 100),
          secretHash: key.secretHash,
        },
        logged(caller, 'key.issue', key.keyId, { role, label }),
      );
      return key.apiKey;
    },

    async bootstrapAdminKey(label) {
      const console = { actor: 'console', action: 'key.revoke', subject: label, details: {} };
      await store.revokePrincipals({ label, role: 'PLATFORM_ADMIN' }, console);
      const key = issueApiKey();
      await store.createPrincipal(
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
    },

    getSystem: (code) => store.getSystem(code),
    getEnterprise: (creditCode) => store.getEnterprise(creditCode),
    listSystems: (status) => store.listSystems(status),
    listFields: (systemCode) => store.listFields(systemCode),
    getIdentifier: (identifier) => store.getIdentifier(identifier),
    association: async (deviceId) => (await store.associations([deviceId])).get(deviceId),
    async statistics(caller) {
      if (caller.role === 'ANONYMOUS') forbid(caller, 'read statistics');
      return store.statistics();
    },
    async log(caller, after, limit) {
      requireOverseer(caller, 'read the registry log');
      return store.log(after, Math.min(Math.max(limit, 1), 1_000));
    },
    lookup: (identifiers) => store.directoryEntries(identifiers),
    activeSubgraphs: async () => {
      const fields = await store.listFields();
      return (await store.systemSdls('ACTIVE')).map((s) => ({
        name: s.subgraphName,
        url: s.url,
        sdl: s.sdl,
        fields: fields.filter((f) => f.systemCode === s.code).map((f) => f.name),
      }));
    },
    onSystemsChanged(listener) {
      changes.on('changed', listener);
      return () => void changes.off('changed', listener);
    },
    async anchorCommitments(caller, systemCode, commitments, anchorOptions = {}) {
      await requireSystemActor(caller, systemCode, 'anchor commitments');
      await activeSystem(systemCode);
      if (!options.ledger)
        throw new GridmarkError('BAD_CONFIGURATION', 'this registry has no ledger to anchor to.');
      if (commitments.length === 0 || commitments.length > 10_000)
        badInput('anchor 1 to 10,000 commitments per call.');
      for (const [i, c] of commitments.entries()) {
        if (!c.fieldCode.startsWith(`${systemCode}.F`))
          throw new GridmarkError(
            'FORBIDDEN',
            `commitment ${i + 1}: field ${c.fieldCode} is not a field of ${systemCode}.`,
            { details: { row: i + 1 } },
          );
        if (!/^[0-9a-f]{64}$/.test(c.commitment))
          badInput(`commitment ${i + 1}: a commitment is 64 lower-case hex digits.`, {
            row: i + 1,
          });
        parseIdentifier(c.deviceId);
      }
      await evidence?.flush();
      return options.ledger.anchorCommitments(
        anchorOptions.vouched === true
          ? { systemCode, commitments, vouched: true }
          : { systemCode, commitments },
      );
    },
    async ledgerAnchors(keys) {
      if (!options.ledger)
        throw new GridmarkError('BAD_CONFIGURATION', 'this registry has no ledger.');
      if (keys.length > 1_000)
        throw new GridmarkError('LIMIT_EXCEEDED', 'at most 1,000 anchors per call.', {
          details: { limit: 1_000 },
        });
      return options.ledger.getAnchors(keys);
    },
    async ledgerResolution(resolutionId) {
      if (!options.ledger)
        throw new GridmarkError('BAD_CONFIGURATION', 'this registry has no ledger.');
      return options.ledger.getResolution(resolutionId);
    },
    flushLedgerEvidence: (timeoutMs) => evidence?.flush(timeoutMs) ?? Promise.resolve(),
    async close() {
      await evidence?.stop();
      await ownOutbox?.close();
      await store.close();
    },
  };
}
