import type { BatchedResolveInput, LedgerOutbox } from '../../ledger-adapter/index.js';
import { GridmarkError } from '../../schema/index.js';

/** Records the gateway's resolutions on the ledger, through the ledger outbox. */
export interface ResolutionRecorder {
  /**
   * Appends a query's resolution to the ledger outbox, durably, and returns its outcome for the
   * query to wait on: it resolves once the resolution is on the ledger and rejects when the ledger
   * refused it (`LEDGER_REJECTED`, this resolution alone) or cannot be reached
   * (`LEDGER_UNAVAILABLE`; the resolution stays in the outbox and is recorded later). The
   * returned promise never counts as an unhandled rejection.
   *
   * @throws GridmarkError `LEDGER_UNAVAILABLE` when the ledger has stopped taking records or the
   *   outbox is closing: the gateway then refuses to release data. `LEDGER_REJECTED` when the
   *   contract would refuse the record as it stands.
   */
  enqueue(request: BatchedResolveInput): Promise<void>;
  /** False while resolutions cannot reach the ledger. */
  healthy(): boolean;
}

/**
 * Every query's resolution is recorded on the ledger (patent [0091]). The outbox sends the
 * resolutions made in the same few milliseconds in one `ResolveBatch` transaction; a resolution
 * the contract refuses fails only its own query.
 */
export function createResolutionRecorder(outbox: LedgerOutbox): ResolutionRecorder {
  return {
    enqueue(request) {
      const recorded = outbox
        .appendResolution({ kind: 'resolution', body: request })
        .then((outcome) => {
          if (outcome.status === 'refused') {
            throw new GridmarkError(
              'LEDGER_REJECTED',
              `The ledger refused to record this query's resolution (${outcome.code}); nothing is released.`,
              { details: { contractCode: outcome.code, resolution: request.resolutionId } },
            );
          }
        });
      recorded.catch(() => undefined);
      return recorded;
    },
    healthy: () => outbox.healthy(),
  };
}
