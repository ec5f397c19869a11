/**
 * The contract's own error codes. A refused transaction fails with a message that starts with its
 * code in brackets (`[NO_RULE] ...`), the only part of an error that crosses a peer's boundary
 * intact, so clients on any ledger can read the code back with {@link parseContractMessage}.
 */
export const CONTRACT_ERROR_CODES = {
  INVALID_ARGUMENT: 'The argument is not well-formed JSON or holds a malformed value.',
  UNKNOWN_TRANSACTION:
    'The contract has no transaction of that name, or it was called with the wrong number of arguments.',
  UNKNOWN_FIELD: 'A field code is not registered.',
  FIELD_NOT_OWNED: 'A field code belongs to another system than the one named.',
  NO_RULE: 'No parsing rule grants the function to the role (nor to every role).',
  NOT_FOUND: 'A referenced record (resolution, anchor) does not exist.',
  CONFLICT: 'The record exists with different content.',
  NOT_VOUCHED:
    'A commitment would replace the anchor of a field whose change policy is refuse, and the system did not vouch for the change.',
  INTERNAL: 'The contract failed unexpectedly.',
} as const;

/** A code of {@link CONTRACT_ERROR_CODES}. */
export type ContractErrorCode = keyof typeof CONTRACT_ERROR_CODES;

/** A refusal by the contract; its message is `[CODE] text`. */
export class ContractError extends Error {
  override readonly name = 'ContractError';
  readonly code: ContractErrorCode;
  /** The text without the bracketed code. */
  readonly reason: string;

  constructor(code: ContractErrorCode, reason: string) {
    super(`[${code}] ${reason}`);
    this.code = code;
    this.reason = reason;
  }
}

const BRACKETED = /\[([A-Z][A-Z_]*)\]\s*([^]*)$/;

/**
 * Finds a contract code in a message such as `[NO_RULE] no rule for ...`, also when a transport
 * wrapped it (`chaincode response 500, [NO_RULE] ...`). Returns undefined when there is none.
 */
export function parseContractMessage(
  message: string,
): { code: ContractErrorCode; reason: string } | undefined {
  const match = BRACKETED.exec(message);
  if (!match) return undefined;
  const code = match[1] as string;
  if (!Object.hasOwn(CONTRACT_ERROR_CODES, code)) return undefined;
  return { code: code as ContractErrorCode, reason: (match[2] ?? '').trim() };
}

/** Any thrown value as a ContractError: unexpected failures become `INTERNAL`. */
export function asContractError(error: unknown): ContractError {
  if (error instanceof ContractError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ContractError('INTERNAL', message);
}
