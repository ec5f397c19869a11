import { describe, expect, it } from 'vitest';
import type { Logger } from '../../schema/index.js';
import { CheckpointPublisher } from './checkpoint-publisher.js';
import { checkpointAt, testSigner, memoryWitness } from '../testing/index.js';

const signer = testSigner();

/** A ledger whose height the test moves. */
function source(height: number) {
  const s = {
    height: BigInt(height),
    checkpoint: () => checkpointAt(signer, Number(s.height), String(Number(s.height) % 10)),
  };
  return s;
}

function errorLogger(): Logger & { readonly errors: string[] } {
  const errors: string[] = [];
  return { errors, debug() {}, info() {}, warn() {}, error: (m: string) => void errors.push(m) };
}

describe('the checkpoint publisher', () => {
  it('publishes the head to every witness on demand, once per height', async () => {
    const ledger = source(5);
    const witnesses = [memoryWitness('billing book'), memoryWitness('registry')];
    const publisher = new CheckpointPublisher({ source: ledger, witnesses, everyMs: 3_600_000 });
    expect((await publisher.publish())?.height).toBe(5);
    expect(await publisher.publish()).toBeUndefined();
    await publisher.stop();
    expect(witnesses.map((w) => w.kept.map((c) => c.height))).toEqual([[5], [5]]);
  });

  it('publishes by itself when everyBlocks were added since the last checkpoint, and the last head when stopped', async () => {
    const ledger = source(1);
    const witness = memoryWitness('registry');
    const publisher = new CheckpointPublisher(
      { source: ledger, witnesses: [witness], everyBlocks: 3, everyMs: 3_600_000 },
      1n,
    );
    ledger.height = 3n;
    publisher.noteBlock(2n);
    ledger.height = 4n;
    publisher.noteBlock(3n);
    // Wait for what noteBlock started (publications run one after the other).
    await publisher.publish().then(() => undefined);
    expect(witness.kept.map((c) => c.height)).toEqual([4]);
    ledger.height = 5n;
    await publisher.stop();
    expect(witness.kept.map((c) => c.height)).toEqual([4, 5]);
  });

  it('leaves out a witness whose store closed before the ledger', async () => {
    const logger = errorLogger();
    const closed = { ...memoryWitness('registry'), isOpen: () => false };
    const book = memoryWitness('billing book');
    const publisher = new CheckpointPublisher({
      source: source(4),
      witnesses: [closed, book],
      everyMs: 3_600_000,
      logger,
    });
    await publisher.stop();
    expect(closed.kept).toEqual([]);
    expect(book.kept.map((c) => c.height)).toEqual([4]);
    expect(logger.errors).toEqual([]);
  });

  it('logs a witness that refuses, and still gives the checkpoint to the others', async () => {
    const logger = errorLogger();
    const refusing = {
      ...memoryWitness('billing book'),
      recordCheckpoint: () => Promise.reject(new Error('disk I/O error')),
    };
    const registry = memoryWitness('registry');
    const publisher = new CheckpointPublisher({
      source: source(9),
      witnesses: [refusing, registry],
      everyMs: 3_600_000,
      logger,
    });
    await publisher.stop();
    expect(registry.kept.map((c) => c.height)).toEqual([9]);
    expect(logger.errors).toEqual([
      "the billing book did not keep the ledger's checkpoint at height 9: disk I/O error",
    ]);
  });
});
