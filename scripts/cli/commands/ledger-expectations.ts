import { readFileSync } from 'node:fs';
import {
  headProblem,
  keyFingerprint,
  keyProblem,
  parseCheckpoint,
  parseHeadExpectation,
  readFingerprint,
  type ChainHead,
  type HeadExpectation,
  type VerifiedHead,
} from '../../../ledger-adapter/index.js';
import { GridmarkError } from '../../../schema/index.js';

/** What `gridmark ledger verify` was told the chain must hold, and where each expectation comes from. */
export interface LedgerExpectations {
  readonly head?: { readonly expected: HeadExpectation; readonly label: string };
  readonly keyId?: { readonly expected: string; readonly label: string };
}

/** The options that carry expectations. */
export interface ExpectationOptions {
  readonly 'expect-head'?: string | undefined;
  readonly 'expect-key'?: string | undefined;
  readonly checkpoint?: string | undefined;
}

/**
 * Reads `--expect-head` (`<height>:<hash>` or a hash), `--expect-key` (a fingerprint, or a PEM
 * file holding the public key or the node key) and `--checkpoint` (a signed checkpoint's JSON
 * file, which gives both; it must verify).
 *
 * @throws GridmarkError BAD_CONFIGURATION for a malformed value, an unreadable file, a checkpoint
 *   that does not verify, or `--checkpoint` given with one of the others
 */
export function readExpectations(values: ExpectationOptions): LedgerExpectations {
  const file = values.checkpoint;
  if (file !== undefined) {
    if (values['expect-head'] !== undefined || values['expect-key'] !== undefined)
      throw new GridmarkError(
        'BAD_CONFIGURATION',
        '--checkpoint gives the head and the key: leave out --expect-head and --expect-key.',
      );
    let checkpoint;
    try {
      checkpoint = parseCheckpoint(readText(file, '--checkpoint'));
    } catch (error) {
      if (error instanceof GridmarkError) throw error;
      throw new GridmarkError(
        'BAD_CONFIGURATION',
        `${file} is not a signed checkpoint: ${error instanceof Error ? error.message : String(error)}.`,
      );
    }
    const label = `checkpoint ${file} signed ${checkpoint.at}`;
    return {
      head: { expected: { height: checkpoint.height, hash: checkpoint.head }, label },
      keyId: { expected: checkpoint.keyId, label },
    };
  }
  const head = values['expect-head'];
  const key = values['expect-key'];
  return {
    ...(head === undefined
      ? {}
      : { head: { expected: parseHeadExpectation(head), label: '--expect-head' } }),
    ...(key === undefined
      ? {}
      : {
          keyId: {
            expected: readFingerprint(key) ?? fingerprintOfFile(key),
            label: '--expect-key',
          },
        }),
  };
}

function fingerprintOfFile(file: string): string {
  const text = readText(file, '--expect-key');
  try {
    return keyFingerprint(text);
  } catch (cause) {
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      `--expect-key ${file} is neither a key fingerprint (sha256:<64 hex digits>) nor a PEM key file.`,
      { cause },
    );
  }
}

function readText(file: string, option: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (cause) {
    throw new GridmarkError('BAD_CONFIGURATION', `${option}: cannot read ${file}.`, { cause });
  }
}

/**
 * Watches the blocks a verification walks for the one an expected head names, so that the chain
 * need not be read twice.
 */
export class HeadWatch {
  readonly #expected: HeadExpectation | undefined;
  readonly #seen = new Map<number, string>();
  #foundAt: number | undefined;

  constructor(expected: HeadExpectation | undefined) {
    this.#expected = expected;
  }

  /** Give to the verifier's `onBlock`. */
  readonly onBlock = (number: number, hash: string): void => {
    const expected = this.#expected;
    if (expected === undefined) return;
    if (expected.height !== undefined && number === expected.height - 1)
      this.#seen.set(number, hash);
    if (hash === expected.hash) this.#foundAt ??= number;
  };

  /** The verified chain as the expectation checks read it. */
  chain(head: VerifiedHead): ChainHead {
    return {
      height: head.height,
      keyId: head.keyId,
      hashAt: (number) => (number === head.height - 1 ? head.hash : this.#seen.get(number)),
      numberOf: (hash) => (hash === this.#expected?.hash ? this.#foundAt : undefined),
    };
  }

  /** Where the expected head was found, when it was. */
  get foundAt(): number | undefined {
    return this.#foundAt;
  }
}

/** What the chain does not hold of the expectations: one sentence each. */
export function expectationProblems(expectations: LedgerExpectations, chain: ChainHead): string[] {
  const problems: (string | undefined)[] = [
    expectations.head && headProblem(chain, expectations.head.expected, expectations.head.label),
    expectations.keyId && keyProblem(chain, expectations.keyId.expected, expectations.keyId.label),
  ];
  return problems.filter((p): p is string => p !== undefined);
}
