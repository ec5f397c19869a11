import { GridmarkError } from '../../schema/index.js';
import { parseContractMessage } from '../contract/index.js';

/** An error of the embedded ledger: `LEDGER_REJECTED` (the contract refused) or `LEDGER_UNAVAILABLE`. */
export class EmbeddedLedgerError extends GridmarkError {
  override readonly name = 'EmbeddedLedgerError';
}

/** The contract refused `transaction` with `message` (`[CODE] text`). */
export function contractRefusal(transaction: string, message: string): EmbeddedLedgerError {
  const parsed = parseContractMessage(message);
  const reason = parsed?.reason ?? message;
  return new EmbeddedLedgerError(
    'LEDGER_REJECTED',
    `The contract refused the transaction: ${parsed ? `[${parsed.code}] ` : ''}${reason}`,
    {
      details: { transaction, ...(parsed ? { contractCode: parsed.code } : {}), reason },
    },
  );
}

/** The ledger is closed, or its file failed. */
export function ledgerUnavailable(message: string, cause?: unknown): EmbeddedLedgerError {
  return new EmbeddedLedgerError(
    'LEDGER_UNAVAILABLE',
    message,
    cause === undefined ? {} : { cause },
  );
}
