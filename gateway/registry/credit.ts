import { GridmarkError } from '../../schema/index.js';
import { forbid, requireAdmin, requireOverseer } from './caller-permissions.js';
import {
  FAILED_VERIFICATION_PENALTY,
  TAMPER_CREDIT_PENALTY,
  MAX_CREDIT_SCORE,
  feedbackDelta,
  isCreditScore,
  isFeedbackRating,
} from './credit-rules.js';
import type { CreditEventInput, LogInput, RegistryStore } from './registry-store.js';
import type { BusinessSystem, Caller, CreditEvent, CreditOutcome } from './registry-types.js';
import { badInput, requireText } from './registry-validation.js';

/** Most credit events one history call returns. */
const MAX_HISTORY = 1_000;

/**
 * Credit evaluation of the enterprises behind business systems (patent claims 3-4, [0066]): every
 * change of a score is a credit event in an append-only history, and a score below the
 * registration threshold suspends the enterprise's active systems in the same transaction.
 * The rules are in `credit-rules.ts` and docs/credit.md.
 */
export interface CreditEvaluation {
  /**
   * Sets an enterprise's score (an ADMIN event). Platform admins.
   * @throws GridmarkError `FORBIDDEN`, `BAD_INPUT` (score not an integer 0-100, empty reason), `NOT_FOUND`.
   */
  setCreditScore(
    caller: Caller,
    creditCode: string,
    score: number,
    reason: string,
  ): Promise<CreditOutcome>;
  /**
   * Records a TAMPER event against the enterprise behind a system that served a tampered value:
   * {@link TAMPER_CREDIT_PENALTY} points per value. Called by the gateway.
   * @throws GridmarkError `NOT_FOUND` for an unknown system.
   */
  penalizeTampering(
    systemCode: string,
    finding: { readonly deviceId: string; readonly fieldCode: string },
  ): Promise<CreditOutcome>;
  /**
   * Records a FAILED_VERIFICATION event: the system served values without a proof, or values it
   * never anchored, in one query; {@link FAILED_VERIFICATION_PENALTY} points per (system, query).
   * @throws GridmarkError `NOT_FOUND` for an unknown system, `BAD_INPUT` without field codes.
   */
  penalizeFailedVerification(
    systemCode: string,
    finding: { readonly resolutionId: string | null; readonly fieldCodes: readonly string[] },
  ): Promise<CreditOutcome>;
  /**
   * An application rates a business system it traded with (FEEDBACK event), once per system per
   * UTC day. Applications only.
   * @throws GridmarkError `FORBIDDEN`, `BAD_INPUT` (`details.field`: `score` or `reason`),
   * `NOT_FOUND`, `NO_TRADE_WITH_SYSTEM`, `FEEDBACK_LIMIT`.
   */
  submitFeedback(
    caller: Caller,
    input: { readonly systemCode: string; readonly score: number; readonly reason: string },
  ): Promise<CreditOutcome>;
  /**
   * Brings a suspended system back: when its enterprise's score is below the threshold, raises it
   * to `score` (default: the threshold) as a REINSTATEMENT event, and reactivates the system after
   * the same composition check as a status change, in one transaction. Platform admins and auditors.
   * @throws GridmarkError `FORBIDDEN`, `NOT_FOUND`, `INVALID_STATE` (not suspended; revocation is
   * final), `BAD_INPUT` (score outside threshold-100), `COMPOSITION_FAILED` (nothing changes).
   */
  reinstateSystem(
    caller: Caller,
    code: string,
    input: { readonly reason: string; readonly score?: number },
  ): Promise<{ readonly system: BusinessSystem; readonly event: CreditEvent | null }>;
  /**
   * Credit events, oldest first, after sequence number `after` (default 0), at most `limit`
   * (default 100, at most 1,000); of one enterprise or of one system when given. Any authenticated
   * caller: applications choose systems by their credit.
   * @throws GridmarkError `UNAUTHENTICATED` without a key, `BAD_INPUT` for a negative `after`.
   */
  creditHistory(
    caller: Caller,
    filter: {
      readonly creditCode?: string;
      readonly systemCode?: string;
      readonly after?: number;
      readonly limit?: number;
    },
  ): Promise<readonly CreditEvent[]>;
}

/** What credit evaluation needs from the registry service. */
export interface CreditContext {
  readonly store: RegistryStore;
  /** Registration threshold: a score below it suspends the enterprise's active systems. */
  readonly threshold: number;
  /** Whether an application traded with a system; without it every rating is refused. */
  readonly tradedWith: ((appId: string, systemCode: string) => Promise<boolean>) | undefined;
  /** A business system by code. @throws GridmarkError `NOT_FOUND` for an unknown one. */
  readonly systemOf: (code: string) => Promise<BusinessSystem>;
  /** The composition check a suspended system passes before it comes back. @throws CompositionError */
  readonly checkReactivation: (system: BusinessSystem) => Promise<void>;
  /** Tells the live supergraph that the set of active systems changed. */
  readonly systemsChanged: () => void;
  readonly actor: (caller: Caller) => string;
  /** Turns a store refusal into the registry's error. */
  readonly translate: (error: unknown) => never;
}

/** Creates the credit part of the registry service. */
export function createCreditEvaluation(context: CreditContext): CreditEvaluation {
  return new CreditService(context);
}

/** Credit evaluation over the registry store: each method records at most one credit event. */
class CreditService implements CreditEvaluation {
  readonly #context: CreditContext;

  constructor(context: CreditContext) {
    this.#context = context;
  }

  async setCreditScore(
    caller: Caller,
    creditCode: string,
    score: number,
    reason: string,
  ): Promise<CreditOutcome> {
    requireAdmin(caller, 'set credit scores');
    if (!isCreditScore(score))
      badInput('score must be an integer from 0 to 100.', { field: 'score' });
    return this.#record({
      creditCode,
      systemCode: null,
      kind: 'ADMIN',
      change: { to: score },
      reason: requireText(reason, 'reason', 500),
      actor: this.#context.actor(caller),
      reference: {},
    });
  }

  async penalizeTampering(
    systemCode: string,
    finding: { readonly deviceId: string; readonly fieldCode: string },
  ): Promise<CreditOutcome> {
    const system = await this.#context.systemOf(systemCode);
    const reason = `served Device field ${finding.fieldCode} of ${finding.deviceId} that does not match its anchor`;
    return this.#record({
      creditCode: system.enterpriseCreditCode,
      systemCode,
      kind: 'TAMPER',
      change: { by: -TAMPER_CREDIT_PENALTY },
      reason,
      actor: 'gateway',
      reference: { deviceId: finding.deviceId, fieldCode: finding.fieldCode },
    });
  }

  async penalizeFailedVerification(
    systemCode: string,
    finding: { readonly resolutionId: string | null; readonly fieldCodes: readonly string[] },
  ): Promise<CreditOutcome> {
    const system = await this.#context.systemOf(systemCode);
    const fieldCodes = [...new Set(finding.fieldCodes)].slice(0, 100);
    if (fieldCodes.length === 0)
      badInput('a failed verification names at least one field code.', { field: 'fieldCodes' });
    const reason = `served values without a proof or an anchor (${fieldCodes.join(', ')})`;
    return this.#record({
      creditCode: system.enterpriseCreditCode,
      systemCode,
      kind: 'FAILED_VERIFICATION',
      change: { by: -FAILED_VERIFICATION_PENALTY },
      reason,
      actor: 'gateway',
      reference: { resolutionId: finding.resolutionId, fieldCodes },
    });
  }

  async submitFeedback(
    caller: Caller,
    input: { readonly systemCode: string; readonly score: number; readonly reason: string },
  ): Promise<CreditOutcome> {
    if (caller.role !== 'APPLICATION') return forbid(caller, 'rate business systems');
    if (!isFeedbackRating(input.score))
      badInput('score must be an integer from 1 to 5.', { field: 'score' });
    const reason = requireText(input.reason, 'reason', 500);
    const system = await this.#context.systemOf(input.systemCode);
    if (!(await this.#context.tradedWith?.(caller.appId, system.code))) {
      throw new GridmarkError(
        'NO_TRADE_WITH_SYSTEM',
        `${caller.appId} has not traded with ${system.code}; only its customers may rate it.`,
        { details: { systemCode: system.code } },
      );
    }
    return this.#record({
      creditCode: system.enterpriseCreditCode,
      systemCode: system.code,
      kind: 'FEEDBACK',
      change: { by: feedbackDelta(input.score) },
      reason,
      actor: this.#context.actor(caller),
      reference: { appId: caller.appId, rating: input.score },
    });
  }

  async reinstateSystem(
    caller: Caller,
    code: string,
    input: { readonly reason: string; readonly score?: number },
  ): Promise<{ readonly system: BusinessSystem; readonly event: CreditEvent | null }> {
    const { store, threshold } = this.#context;
    requireOverseer(caller, 'reinstate systems');
    const reason = requireText(input.reason, 'reason', 500);
    if (input.score !== undefined && !(isCreditScore(input.score) && input.score >= threshold))
      badInput(
        `score must be an integer from ${threshold} (the threshold) to ${MAX_CREDIT_SCORE}.`,
        { field: 'score' },
      );
    const system = await this.#suspendedSystem(code);
    const enterprise = await store.getEnterprise(system.enterpriseCreditCode);
    if (!enterprise)
      throw new GridmarkError('NOT_FOUND', `no enterprise ${system.enterpriseCreditCode}`);
    await this.#context.checkReactivation(system);
    const log: LogInput = {
      actor: this.#context.actor(caller),
      action: 'system.active',
      subject: code,
      details: { reason, from: 'SUSPENDED', reinstated: true },
    };
    if (enterprise.creditScore >= threshold) {
      const reactivated = await store
        .updateSystem(code, { status: 'ACTIVE' }, log)
        .catch(this.#context.translate);
      this.#context.systemsChanged();
      return { system: reactivated, event: null };
    }
    const result = await store
      .recordCreditEvent({
        creditCode: enterprise.creditCode,
        systemCode: code,
        kind: 'REINSTATEMENT',
        change: { to: input.score ?? threshold },
        reason,
        actor: this.#context.actor(caller),
        reference: {},
        suspendBelow: threshold,
        reactivate: { systemCode: code, log },
      })
      .catch(this.#context.translate);
    this.#context.systemsChanged();
    return { system: result.reactivated ?? system, event: result.event };
  }

  async creditHistory(
    caller: Caller,
    filter: Parameters<CreditEvaluation['creditHistory']>[1],
  ): Promise<readonly CreditEvent[]> {
    if (caller.role === 'ANONYMOUS') forbid(caller, 'read the credit history');
    const after = filter.after ?? 0;
    if (!Number.isSafeInteger(after) || after < 0)
      badInput('after must be a non-negative integer (a credit event sequence number).', {
        field: 'after',
      });
    const limit = Number.isFinite(filter.limit)
      ? Math.min(Math.max(Math.trunc(filter.limit ?? 0), 1), MAX_HISTORY)
      : 100;
    return this.#context.store.creditHistory({
      ...(filter.creditCode ? { creditCode: filter.creditCode.toUpperCase() } : {}),
      ...(filter.systemCode ? { systemCode: filter.systemCode } : {}),
      after,
      limit,
    });
  }

  /** Records a credit event; the supergraph follows the systems it suspended or reactivated. */
  async #record(input: Omit<CreditEventInput, 'suspendBelow'>): Promise<CreditOutcome> {
    const result = await this.#context.store
      .recordCreditEvent({ ...input, suspendBelow: this.#context.threshold })
      .catch(this.#context.translate);
    // After the commit: the supergraph recomposes without the suspended systems.
    if (result.suspended.length > 0 || result.reactivated) this.#context.systemsChanged();
    return { ...result.enterprise, event: result.event, suspended: result.suspended };
  }

  /** @throws GridmarkError `NOT_FOUND`, `INVALID_STATE` unless the system is suspended. */
  async #suspendedSystem(code: string): Promise<BusinessSystem> {
    const system = await this.#context.systemOf(code);
    if (system.status !== 'SUSPENDED') {
      throw new GridmarkError(
        'INVALID_STATE',
        `business system ${code} is ${system.status.toLowerCase()}${system.status === 'REVOKED' ? '; revocation is final' : ''}; only a suspended system is reinstated.`,
        { details: { systemCode: code } },
      );
    }
    return system;
  }
}
