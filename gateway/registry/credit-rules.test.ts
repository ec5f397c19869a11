import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CREDIT_EVENT_KINDS,
  FAILED_VERIFICATION_PENALTY,
  FEEDBACK_DELTAS,
  TAMPER_CREDIT_PENALTY,
  feedbackDelta,
  isFeedbackRating,
} from './credit-rules.js';

describe('credit rules', () => {
  it('are the ones docs/credit.md documents', () => {
    const doc = readFileSync(new URL('../../docs/credit.md', import.meta.url), 'utf8');
    for (const kind of CREDIT_EVENT_KINDS) expect(doc, kind).toContain(`\`${kind}\``);
    expect(doc).toContain(`-${TAMPER_CREDIT_PENALTY} per tampered value`);
    expect(doc).toContain(`-${FAILED_VERIFICATION_PENALTY} per (system, query)`);
    const ratings = [1, 2, 3, 4, 5]
      .map((r) => `${r}: ${(FEEDBACK_DELTAS[r] ?? 0) > 0 ? '+' : ''}${FEEDBACK_DELTAS[r]}`)
      .join(', ');
    expect(doc).toContain(`rating ${ratings}`);
  });

  it('accepts only integer ratings from 1 to 5', () => {
    expect([1, 5].map(feedbackDelta)).toEqual([-3, 1]);
    for (const rating of [0, 6, 2.5, Number.NaN]) {
      expect(isFeedbackRating(rating)).toBe(false);
      expect(() => feedbackDelta(rating)).toThrow(RangeError);
    }
  });
});
