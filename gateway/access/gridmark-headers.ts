import { GridmarkError } from '../../schema/index.js';

/** A function or role name as the ledger's parsing rules hold them: 1-64 of a-z 0-9 _ -. */
const NAME = /^[a-z0-9_-]{1,64}$/;

/**
 * The function an application names in its `X-Gridmark-Function` header, checked before anything
 * is looked up: a refusal names the header, never echoes the value.
 *
 * @throws GraphQLError `FUNCTION_REQUIRED` (400) when absent; `BAD_HEADER` (400) when not a function name.
 */
export function functionFromHeader(value: string | undefined, header: string): string {
  if (value === undefined || value === '')
    throw new GridmarkError(
      'FUNCTION_REQUIRED',
      `Name the function the application performs in the ${header} header.`,
    ).toRequestRefusal();
  if (!NAME.test(value)) throw badHeader(header, 'a function name: 1-64 of a-z 0-9 _ -');
  return value;
}

/**
 * The role named in the `X-Gridmark-Role` header: `*` (every role) when absent.
 *
 * @throws GraphQLError `BAD_HEADER` (400) when it is neither `*` nor a role name.
 */
export function roleFromHeader(value: string | undefined, header: string): string {
  if (value === undefined) return '*';
  if (value !== '*' && !NAME.test(value))
    throw badHeader(header, '"*" or a role name: 1-64 of a-z 0-9 _ -');
  return value;
}

function badHeader(header: string, expected: string) {
  return new GridmarkError('BAD_HEADER', `The ${header} header must be ${expected}.`, {
    details: { header },
  }).toRequestRefusal();
}
