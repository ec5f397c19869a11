import type { ParsingRule } from '../../../ledger-adapter/index.js';
import { GridmarkError } from '../../../schema/index.js';
import { forbid } from '../caller-permissions.js';
import type { RegistryStore } from '../registry-store.js';
import type { Application, Caller } from '../registry-types.js';
import { badInput, requireToken } from '../registry-validation.js';
import { logEntry } from './log-entries.js';
import type { RegistryLedger } from './registry-ledger.js';

/** An application's parsing rule as submitted: for a function and a role, the field codes it needs. */
export interface RuleInput {
  readonly appId: string;
  readonly function: string;
  readonly role: string;
  readonly fieldCodes: readonly string[];
}

/**
 * Publishes applications' parsing rules to the ledger contract. Only registered fields of active
 * systems may be named; the registry log records each rule with its ledger transaction.
 */
export class RulePublisher {
  readonly #store: RegistryStore;
  readonly #ledger: RegistryLedger;

  constructor(store: RegistryStore, ledger: RegistryLedger) {
    this.#store = store;
    this.#ledger = ledger;
  }

  /**
   * The application itself or a platform admin.
   * @throws GridmarkError `FORBIDDEN`, `NOT_FOUND`, `BAD_INPUT`, `UNKNOWN_FIELD`, `BAD_CONFIGURATION`.
   */
  async publish(caller: Caller, input: RuleInput): Promise<ParsingRule> {
    if (!(
      caller.role === 'PLATFORM_ADMIN' ||
      (caller.role === 'APPLICATION' && caller.appId === input.appId)
    ))
      forbid(caller, `publish rules for ${input.appId}`);
    const application = await this.#store.getApplication(input.appId);
    if (!application) throw new GridmarkError('NOT_FOUND', `no application ${input.appId}`);
    const fn = requireToken(input.function, 'function');
    const role = ruleRole(application, input.role);
    requireFieldCodeList(input.fieldCodes);
    await this.#requirePublishedFields(input.fieldCodes);
    const rule = await this.#ledger.putParsingRule({
      applicationId: application.appId,
      function: fn,
      role,
      fieldCodes: [...new Set(input.fieldCodes)],
    });
    await this.#store.appendLog(
      logEntry(caller, 'rule.publish', application.appId, {
        function: fn,
        role,
        fieldCodes: input.fieldCodes,
        txId: rule.txId,
      }),
    );
    return rule;
  }

  /** @throws GridmarkError `UNKNOWN_FIELD` naming the codes that are no active system's fields. */
  async #requirePublishedFields(fieldCodes: readonly string[]): Promise<void> {
    const active = new Set((await this.#store.systemSdls('ACTIVE')).map((s) => s.code));
    const published = new Map(
      (await this.#store.listFields())
        .filter((f) => active.has(f.systemCode))
        .map((f) => [f.code, f]),
    );
    const unknown = fieldCodes.filter((c) => !published.has(c));
    if (unknown.length > 0)
      throw new GridmarkError(
        'UNKNOWN_FIELD',
        `not registered fields of active systems: ${unknown.join(', ')}.`,
        { details: { fields: unknown } },
      );
  }
}

/** `*` (any role), or one of the application's roles. @throws GridmarkError `BAD_INPUT`. */
function ruleRole(application: Application, value: string): string {
  const role = value === '*' ? '*' : requireToken(value, 'role');
  if (role !== '*' && !application.roles.includes(role))
    badInput(
      `role ${role} is not one of ${application.appId}'s roles (${application.roles.join(', ')}).`,
      { field: 'role' },
    );
  return role;
}

/** @throws GridmarkError `BAD_INPUT` unless the rule names at least one field code, all text. */
function requireFieldCodeList(value: unknown): void {
  const codes: readonly unknown[] = Array.isArray(value) ? value : [];
  if (codes.length === 0 || !codes.every((c): c is string => typeof c === 'string'))
    badInput('a rule names at least one field code.', { field: 'fieldCodes' });
}
