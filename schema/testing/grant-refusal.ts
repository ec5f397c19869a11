import { expect } from 'vitest';
import { GridmarkError } from '../protocol/index.js';

/** Runs `work`, expects it to refuse a grant (`GRANT_REFUSED`), and returns the refusal's reason. */
export function grantRefusal(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(GridmarkError);
    expect((error as GridmarkError).code).toBe('GRANT_REFUSED');
    return String((error as GridmarkError).details['reason']);
  }
  throw new Error('expected the grant to be refused');
}
