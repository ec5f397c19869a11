import { GridmarkError } from '../../schema/index.js';
import { parseContractMessage } from '../contract/index.js';

/**
 * Any failure of a {@link LedgerClient} call as a gridmark error. The clients already throw
 * `LEDGER_REJECTED` / `LEDGER_UNAVAILABLE` GridmarkErrors, which pass unchanged; anything else
 * (a client that throws raw errors) becomes `LEDGER_REJECTED` when its message carries a contract
 * code (`[NO_RULE] ...`), else `LEDGER_UNAVAILABLE`, with the original as `cause`.
 */
export function translateLedgerError(error: unknown, transaction: string): GridmarkError {
  if (error instanceof GridmarkError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const contract = parseContractMessage(message);
  if (contract) {
    return new GridmarkError(
      'LEDGER_REJECTED',
      `The contract refused the transaction: [${contract.code}] ${contract.reason}`,
      {
        details: { transaction, contractCode: contract.code, reason: contract.reason },
        cause: error,
      },
    );
  }
  return new GridmarkError(
    'LEDGER_UNAVAILABLE',
    `The ledger did not answer the ${transaction} call.`,
    { details: { transaction }, cause: error },
  );
}
