import { expect } from 'vitest';
import { GridmarkError } from '../../schema/index.js';
import { createLedgerAdapter, type LedgerAdapter } from '../adapter/index.js';
import type { LedgerClient } from '../ledger-client.js';

/** A system code of a test's own, with registered fields F0001... (`field(n)` names the n-th). */
export interface TestSystem {
  readonly systemCode: string;
  readonly field: (n: number) => string;
}

/**
 * What the shared ledger suite's tests have in common: one client and its adapter, opened before
 * the first test and closed after the last, and helpers that keep the tests apart on the shared
 * ledger (each makes its own systems and applications).
 */
export class LedgerSuite {
  readonly #makeClient: () => Promise<LedgerClient> | LedgerClient;
  #client: LedgerClient | undefined;
  #adapter: LedgerAdapter | undefined;
  /** How many systems the tests have made so far; tests also number their devices and trades by it. */
  next = 0;

  constructor(makeClient: () => Promise<LedgerClient> | LedgerClient) {
    this.#makeClient = makeClient;
  }

  async open(): Promise<void> {
    this.#client = await this.#makeClient();
    this.#adapter = await createLedgerAdapter(this.#client);
  }

  /** Closes the adapter, and with it the client. */
  async close(): Promise<void> {
    await this.#adapter?.close();
  }

  get client(): LedgerClient {
    if (this.#client === undefined) throw new Error('the ledger suite is not open');
    return this.#client;
  }

  get adapter(): LedgerAdapter {
    if (this.#adapter === undefined) throw new Error('the ledger suite is not open');
    return this.#adapter;
  }

  /** A system code of this test's own, with `count` registered fields (F0001...). */
  async newSystem(count = 3, feeFen = 7): Promise<TestSystem> {
    this.next += 1;
    const next = this.next;
    const systemCode = `88.${3000 + next}.${Math.floor(Math.random() * 1e6)}`;
    const field = (n: number): string => `${systemCode}.F${String(n).padStart(4, '0')}`;
    await this.adapter.registerFields({
      systemCode,
      fields: Array.from({ length: count }, (_, i) => ({
        fieldCode: field(i + 1),
        coordinate: `Device.s${next}f${i + 1}`,
        feeFen,
      })),
    });
    return { systemCode, field };
  }

  /** An application id of this test's own. */
  app(): string {
    return `APP-T${this.next}-${Math.floor(Math.random() * 1e6)}`;
  }

  /** Expects `promise` to be refused by the ledger, and gives the error's code and the contract's. */
  async refusal(promise: Promise<unknown>): Promise<{ code: string; contractCode: unknown }> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error, 'the ledger accepted what it should refuse').toBeInstanceOf(GridmarkError);
    const gridmark = error as GridmarkError;
    return { code: gridmark.code, contractCode: gridmark.details['contractCode'] };
  }
}

/** A 64-hex-digit commitment made of one repeated digit (`hex('a')`). */
export function hex(digit: string): string {
  return digit.repeat(64);
}
