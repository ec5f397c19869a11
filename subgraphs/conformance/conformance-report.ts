/** How one check ended. `SKIP`: it could not run here (its reason says why); it does not fail the run. */
export type CheckStatus = 'PASS' | 'FAIL' | 'SKIP';

/** One check of a business system, with a one-line reason. */
export interface CheckResult {
  /** Stable, kebab-case: `grant-expired`, `proofs-match-anchors`. */
  readonly name: string;
  readonly status: CheckStatus;
  readonly reason: string;
}

/** What a run of the checks found. */
export interface ConformanceReport {
  /** The system's subgraph URL. */
  readonly url: string;
  /** The subgraph name the grants were minted for (`aud`). */
  readonly audience: string;
  /** The devices the checks asked for. */
  readonly devices: readonly string[];
  readonly results: readonly CheckResult[];
  /** True when no check failed. */
  readonly conformant: boolean;
}

export const pass = (name: string, reason: string): CheckResult => ({
  name,
  status: 'PASS',
  reason,
});
export const fail = (name: string, reason: string): CheckResult => ({
  name,
  status: 'FAIL',
  reason,
});
export const skip = (name: string, reason: string): CheckResult => ({
  name,
  status: 'SKIP',
  reason,
});
