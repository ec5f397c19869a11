import { status as GrpcStatus } from '@grpc/grpc-js';
import { CommitError, GatewayError, StatusCode } from '@hyperledger/fabric-gateway';
import { GridmarkError } from '../../schema/index.js';

/** The step of a ledger call that failed. */
export type FabricStage = 'evaluate' | 'endorse' | 'submit' | 'commit-status' | 'commit' | 'events';

/** An error of the Fabric ledger client: `LEDGER_REJECTED` or `LEDGER_UNAVAILABLE`, with the fabric-gateway error as `cause`. */
export class FabricLedgerError extends GridmarkError {
  override readonly name = 'FabricLedgerError';
}

// gRPC statuses that mean the peer answered and said no; every other status means the ledger
// could not be asked (unreachable, deadline exceeded, overloaded, broken).
const REFUSALS: ReadonlySet<number> = new Set([
  GrpcStatus.ABORTED,
  GrpcStatus.FAILED_PRECONDITION,
  GrpcStatus.PERMISSION_DENIED,
  GrpcStatus.UNAUTHENTICATED,
  GrpcStatus.INVALID_ARGUMENT,
  GrpcStatus.NOT_FOUND,
  GrpcStatus.ALREADY_EXISTS,
  GrpcStatus.OUT_OF_RANGE,
]);

const CHAINCODE_RESPONSE = /chaincode response (\d+), ([^]*)$/;
const CONTRACT_CODE = /^\[([A-Z][A-Z0-9_]*)\]\s*([^]*)$/;

/**
 * Translates a fabric-gateway error into a gridmark error:
 * - the chaincode's error response (Evaluate: UNKNOWN, Endorse: ABORTED, each carrying
 *   "chaincode response 500, [CODE] text"), a refusal by the peer or the orderer, or a
 *   `CommitError` (invalidated at commit) becomes `LEDGER_REJECTED`, with the contract's code
 *   and text in `details.contractCode` / `details.reason` when there is one;
 * - UNAVAILABLE, DEADLINE_EXCEEDED and the other transport statuses become `LEDGER_UNAVAILABLE`.
 * The peer's address and raw messages stay in `cause`, never in the message or details.
 */
export function translateFabricError(
  error: unknown,
  stage: FabricStage,
  transaction?: string,
): FabricLedgerError {
  const base: Record<string, unknown> = {
    stage,
    ...(transaction === undefined ? {} : { transaction }),
  };
  if (error instanceof CommitError) {
    const validationCode = codeName(error.code);
    return new FabricLedgerError(
      'LEDGER_REJECTED',
      `The ledger invalidated the transaction at commit (${validationCode}).`,
      {
        details: { ...base, transactionId: error.transactionId, validationCode },
        cause: error,
      },
    );
  }
  if (error instanceof GatewayError) {
    const transactionId = (error as GatewayError & { transactionId?: unknown }).transactionId;
    const details: Record<string, unknown> = {
      ...base,
      grpcStatus: GrpcStatus[error.code] ?? String(error.code),
      ...(typeof transactionId === 'string' ? { transactionId } : {}),
    };
    const contract = findContractError([
      error.message,
      ...error.details.map((detail) => detail.message),
    ]);
    if (contract !== undefined) {
      return new FabricLedgerError(
        'LEDGER_REJECTED',
        contract.code === undefined
          ? `The contract refused the transaction: ${contract.text}`
          : `The contract refused the transaction: [${contract.code}] ${contract.text}`,
        {
          details: {
            ...details,
            ...(contract.code === undefined ? {} : { contractCode: contract.code }),
            reason: contract.text,
          },
          cause: error,
        },
      );
    }
    if (REFUSALS.has(error.code)) {
      return new FabricLedgerError(
        'LEDGER_REJECTED',
        `The ledger refused the ${stage} request (${String(details.grpcStatus)}).`,
        { details, cause: error },
      );
    }
    return new FabricLedgerError(
      'LEDGER_UNAVAILABLE',
      `The ledger did not answer the ${stage} request (${String(details.grpcStatus)}).`,
      {
        details,
        cause: error,
      },
    );
  }
  return new FabricLedgerError('LEDGER_UNAVAILABLE', `The ledger ${stage} request failed.`, {
    details: base,
    cause: error,
  });
}

function findContractError(
  messages: readonly string[],
): { code?: string; text: string } | undefined {
  for (const message of messages) {
    const response = CHAINCODE_RESPONSE.exec(message);
    if (response === null) continue;
    const text = (response[2] ?? '').trim();
    const coded = CONTRACT_CODE.exec(text);
    return coded === null ? { text } : { code: coded[1] ?? '', text: (coded[2] ?? '').trim() };
  }
  return undefined;
}

function codeName(code: number): string {
  return Object.entries(StatusCode).find(([, value]) => value === code)?.[0] ?? String(code);
}
