import { describe, expect, it } from 'vitest';
import { GridmarkError } from '../../schema/index.js';
import { parseHeadExpectation, headProblem, readFingerprint } from './head-expectation.js';
import { checkpointAt, hash, testSigner, memoryWitness } from '../testing/index.js';
import { checkWitnessedHead, type WitnessedChain } from './witnessed-head.js';

const signer = testSigner();
const KEY = checkpointAt(signer, 1, 'a').keyId;

/** A chain of `height` blocks whose block n has hash `hash(digits[n])`. */
function chain(digits: string, keyId = KEY): WitnessedChain {
  return {
    height: digits.length,
    keyId,
    genesis: hash(digits[0] ?? '0'),
    hashAt: (n) => (n < digits.length ? hash(digits[n] as string) : undefined),
  };
}

async function refusal(promise: Promise<unknown>): Promise<GridmarkError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GridmarkError);
  return error as GridmarkError;
}

describe('checking a ledger against its witnessed checkpoints', () => {
  const witnessHolding = (checkpoint: unknown) => {
    const witness = memoryWitness('billing book');
    witness.held = checkpoint;
    return witness;
  };

  it('accepts a chain that holds the witnessed head, as its head or further back', async () => {
    const witnessed = checkpointAt(signer, 3, '2');
    for (const digits of ['012', '0123456']) {
      const report = await checkWitnessedHead(chain(digits), [
        witnessHolding(witnessed),
        memoryWitness('registry'),
      ]);
      expect(report).toEqual([
        { witness: 'billing book', checkpoint: witnessed },
        { witness: 'registry', checkpoint: undefined },
      ]);
    }
  });

  it('refuses a chain that ends before the witnessed head, saying how many blocks are not there', async () => {
    const error = await refusal(
      checkWitnessedHead(chain('0123'), [witnessHolding(checkpointAt(signer, 6, '5'))]),
    );
    expect(error.code).toBe('LEDGER_HEAD_MISMATCH');
    expect(error.message).toMatch(
      /the chain ends at height 4 \(block 3\), before the head at height 6 \(checkpoint signed 2026-12-07T10:00:00.000Z, kept in the billing book\): 2 block\(s\) are not there/,
    );
    expect(error.details).toMatchObject({ witness: 'billing book', height: 6, head: hash('5') });
  });

  it('refuses a chain that holds another block at the witnessed height', async () => {
    const error = await refusal(
      checkWitnessedHead(chain('0129'), [witnessHolding(checkpointAt(signer, 4, '3'))]),
    );
    expect(error.message).toMatch(
      /block 3 is 9999999999999999…, not the head 3333333333333333… at height 4/,
    );
  });

  it('refuses a chain signed by another key than the witnessed one', async () => {
    const error = await refusal(
      checkWitnessedHead(chain('0123', checkpointAt(testSigner(), 1, 'a').keyId), [
        witnessHolding(checkpointAt(signer, 4, '3')),
      ]),
    );
    expect(error.message).toMatch(
      new RegExp(`the chain is signed by key sha256:[0-9a-f]{64}, not by ${KEY}`),
    );
  });

  it('refuses another ledger than the one the checkpoint is of', async () => {
    const error = await refusal(
      checkWitnessedHead(chain('0123'), [witnessHolding(checkpointAt(signer, 2, '1', hash('7')))]),
    );
    expect(error.message).toMatch(
      /block 0 is 0000000000000000…, not 7777777777777777… .*this is another ledger/,
    );
  });

  it('refuses to open when a witness holds a checkpoint that does not verify (an edited height, say)', async () => {
    const edited = { ...checkpointAt(signer, 4, '3'), height: 2 };
    const error = await refusal(checkWitnessedHead(chain('0123'), [witnessHolding(edited)]));
    expect(error.code).toBe('LEDGER_HEAD_MISMATCH');
    expect(error.message).toBe(
      'The billing book holds a checkpoint of the ledger that is not valid: its signature does not verify.',
    );
  });

  it('stops with BAD_CONFIGURATION when a witness cannot be read', async () => {
    const broken = {
      ...memoryWitness('registry'),
      latestCheckpoint: () => Promise.reject(new Error('no such table: ledger_checkpoints')),
    };
    const error = await refusal(checkWitnessedHead(chain('01'), [broken]));
    expect(error).toMatchObject({
      code: 'BAD_CONFIGURATION',
      message: "Cannot read the ledger's checkpoints in the registry.",
    });
  });
});

describe('head expectations', () => {
  it('reads <height>:<hash> and a hash alone', () => {
    expect(parseHeadExpectation(`12:${hash('A')}`)).toEqual({ height: 12, hash: hash('a') });
    expect(parseHeadExpectation(hash('b'))).toEqual({ hash: hash('b') });
    for (const bad of ['12', `0:${hash('a')}`, `x:${hash('a')}`, `12:${hash('a').slice(1)}`])
      expect(() => parseHeadExpectation(bad)).toThrow(/--expect-head takes/);
  });

  it('finds a head given by its hash alone anywhere in the chain', () => {
    const seen = { ...chain('0123'), numberOf: (h: string) => (h === hash('2') ? 2 : undefined) };
    expect(headProblem(seen, { hash: hash('2') }, 'expected')).toBeUndefined();
    expect(headProblem(seen, { hash: hash('8') }, 'expected')).toBe(
      `no block of the chain has the hash ${hash('8')} (expected)`,
    );
  });

  it('reads fingerprints with or without their prefix', () => {
    expect(readFingerprint(KEY.slice('sha256:'.length).toUpperCase())).toBe(KEY);
    expect(readFingerprint(KEY)).toBe(KEY);
    expect(readFingerprint('keys/node.pub.pem')).toBeUndefined();
  });
});
