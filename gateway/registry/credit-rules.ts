import type { CreditEventKind } from './registry-types.js';

/**
 * The credit rules (patent claims 3-4, [0066]), documented in docs/credit.md. A score is an
 * integer from {@link MIN_CREDIT_SCORE} to {@link MAX_CREDIT_SCORE}; every change is one credit
 * event, and a change that would leave the range stops at its edge.
 */
export const MIN_CREDIT_SCORE = 0;
export const MAX_CREDIT_SCORE = 100;

/** Points an enterprise loses for each tampered value its system serves (one TAMPER event per value reported). */
export const TAMPER_CREDIT_PENALTY = 10;

/**
 * Points an enterprise loses when its system, answering one query, served values without a proof
 * or values it never anchored: one FAILED_VERIFICATION event per (system, query), however many
 * values failed. A ledger that could not answer is not the system's fault and costs nothing.
 */
export const FAILED_VERIFICATION_PENALTY = 2;

/**
 * The change an application's rating (1-5) makes. Praise is capped at +1 so that ratings cannot
 * outpace penalties: a tampered value (-10) takes ten good days of one application to make up.
 */
export const FEEDBACK_DELTAS: Readonly<Record<number, number>> = { 1: -3, 2: -1, 3: 0, 4: 1, 5: 1 };

/** True when `rating` is a rating an application may give: an integer from 1 to 5. */
export function isFeedbackRating(rating: unknown): rating is 1 | 2 | 3 | 4 | 5 {
  return typeof rating === 'number' && Number.isInteger(rating) && rating >= 1 && rating <= 5;
}

/** The score change of a rating. @throws RangeError for a rating that {@link isFeedbackRating} refuses. */
export function feedbackDelta(rating: number): number {
  const delta = isFeedbackRating(rating) ? FEEDBACK_DELTAS[rating] : undefined;
  if (delta === undefined)
    throw new RangeError(`a rating is an integer from 1 to 5, not ${rating}`);
  return delta;
}

/** True when a score is a valid credit score (an integer within 0-100). */
export function isCreditScore(score: unknown): score is number {
  return (
    typeof score === 'number' &&
    Number.isInteger(score) &&
    score >= MIN_CREDIT_SCORE &&
    score <= MAX_CREDIT_SCORE
  );
}

/** Every kind of credit event, in the order docs/credit.md describes them. */
export const CREDIT_EVENT_KINDS: readonly CreditEventKind[] = [
  'TAMPER',
  'FAILED_VERIFICATION',
  'FEEDBACK',
  'ADMIN',
  'REINSTATEMENT',
];
