/**
 * How one check ended. `SKIP`: it could not run here (its reason says why, for example no
 * registry to read the anchors from), so the system is not shown conformant. `N/A`: it checks an
 * optional part of the protocol the system does not announce (sealed grants).
 */
export type CheckStatus = 'PASS' | 'FAIL' | 'SKIP' | 'N/A';

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
  /** True when every check passed or was not applicable: none failed, none skipped. */
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
export const notApplicable = (name: string, reason: string): CheckResult => ({
  name,
  status: 'N/A',
  reason,
});
