import {
  openLedgerOutbox,
  type Anchor,
  type LedgerAdapter,
  type LedgerOutbox,
  type ParsingRule,
  type Resolution,
} from '../../../ledger-adapter/index.js';
import { GridmarkError, parseIdentifier, type Logger } from '../../../schema/index.js';
import {
  createLedgerEvidencePublisher,
  type LedgerEvidencePublisher,
} from '../ledger-evidence-publisher.js';
import type { RegistryStore } from '../registry-store.js';
import { badInput } from '../registry-validation.js';

/** A field commitment a system anchors. */
export interface CommitmentInput {
  readonly deviceId: string;
  readonly fieldCode: string;
  readonly commitment: string;
}

/** Most anchors one read returns. */
const MAX_ANCHORS_PER_READ = 1_000;
/** Most commitments one anchoring call takes. */
const MAX_COMMITMENTS_PER_CALL = 10_000;

/**
 * The registry's side of the ledger: its evidence (fields, the association catalog) handed over
 * through the outbox, the rules and commitments it forwards, and the public evidence it reads.
 * Without a ledger the registry keeps everything local, and what needs one is `BAD_CONFIGURATION`.
 */
export class RegistryLedger {
  readonly #ledger: LedgerAdapter | undefined;
  /** The outbox the registry opened itself (no shared one given), closed with it. */
  readonly #ownOutbox: LedgerOutbox | undefined;
  readonly #evidence: LedgerEvidencePublisher | undefined;

  constructor(options: {
    readonly store: RegistryStore;
    readonly ledger?: LedgerAdapter | undefined;
    readonly outbox?: LedgerOutbox | undefined;
    readonly logger: Logger;
  }) {
    const { store, ledger, logger } = options;
    this.#ledger = ledger;
    this.#ownOutbox = ledger && !options.outbox ? openLedgerOutbox({ ledger, logger }) : undefined;
    const outbox = options.outbox ?? this.#ownOutbox;
    this.#evidence = outbox ? createLedgerEvidencePublisher(store, outbox, logger) : undefined;
    this.#evidence?.poke();
  }

  /** Asks for the registry's recorded changes to be handed over soon. */
  poke(): void {
    this.#evidence?.poke();
  }

  /** Waits until the ledger holds every registration made so far (no-op without a ledger). */
  flush(timeoutMs?: number): Promise<void> {
    return this.#evidence?.flush(timeoutMs) ?? Promise.resolve();
  }

  /**
   * Publishes a parsing rule, once the registrations it names have reached the contract (it
   * accepts only fields it knows).
   * @throws GridmarkError `BAD_CONFIGURATION` without a ledger.
   */
  async putParsingRule(rule: Parameters<LedgerAdapter['putParsingRule']>[0]): Promise<ParsingRule> {
    const ledger = this.#require('rules live on the ledger; this registry has none.');
    await this.#evidence?.flush();
    return ledger.putParsingRule(rule);
  }

  /**
   * Forwards a system's field commitments, once its registrations have reached the ledger.
   * @throws GridmarkError `BAD_CONFIGURATION` without a ledger, `BAD_INPUT` (count, a commitment
   * that is not 64 hex digits), `FORBIDDEN` (another system's field), `BAD_IDENTIFIER`.
   */
  async anchorCommitments(
    systemCode: string,
    commitments: readonly CommitmentInput[],
    options: { readonly vouched?: boolean },
  ): Promise<{ readonly count: number; readonly txId: string }> {
    const ledger = this.#require('this registry has no ledger to anchor to.');
    checkCommitments(systemCode, commitments);
    await this.#evidence?.flush();
    return ledger.anchorCommitments(
      options.vouched === true
        ? { systemCode, commitments, vouched: true }
        : { systemCode, commitments },
    );
  }

  /** @throws GridmarkError `BAD_CONFIGURATION` without a ledger, `LIMIT_EXCEEDED` past 1,000 keys. */
  async anchors(keys: readonly (readonly [string, string])[]): Promise<(Anchor | null)[]> {
    const ledger = this.#require('this registry has no ledger.');
    if (keys.length > MAX_ANCHORS_PER_READ)
      throw new GridmarkError('LIMIT_EXCEEDED', 'at most 1,000 anchors per call.', {
        details: { limit: MAX_ANCHORS_PER_READ },
      });
    return ledger.getAnchors(keys);
  }

  /** @throws GridmarkError `BAD_CONFIGURATION` without a ledger. */
  async resolution(resolutionId: string): Promise<Resolution | null> {
    return this.#require('this registry has no ledger.').getResolution(resolutionId);
  }

  async close(): Promise<void> {
    await this.#evidence?.stop();
    await this.#ownOutbox?.close();
  }

  #require(message: string): LedgerAdapter {
    if (!this.#ledger) throw new GridmarkError('BAD_CONFIGURATION', message);
    return this.#ledger;
  }
}

/** A system anchors 1 to 10,000 commitments a call, of its own fields, of valid identifiers. */
function checkCommitments(systemCode: string, commitments: readonly CommitmentInput[]): void {
  if (commitments.length === 0 || commitments.length > MAX_COMMITMENTS_PER_CALL)
    badInput('anchor 1 to 10,000 commitments per call.');
  for (const [i, c] of commitments.entries()) {
    if (!c.fieldCode.startsWith(`${systemCode}.F`))
      throw new GridmarkError(
        'FORBIDDEN',
        `commitment ${i + 1}: field ${c.fieldCode} is not a field of ${systemCode}.`,
        { details: { row: i + 1 } },
      );
    if (!/^[0-9a-f]{64}$/.test(c.commitment))
      badInput(`commitment ${i + 1}: a commitment is 64 lower-case hex digits.`, { row: i + 1 });
    parseIdentifier(c.deviceId);
  }
}
