import { BookConflict } from '../billing-store.js';
import type { Account } from '../billing-types.js';

/** An open hold; `charging` once its charge is on its way (the money stays held until it is written). */
interface OpenHold {
  readonly accountId: string;
  readonly amountFen: number;
  charging: boolean;
}

/** A hold whose charge has started: `spent` gives its money back once the charge is written or refused. */
export interface ChargingHold {
  readonly accountId: string;
  readonly amountFen: number;
  readonly spent: () => void;
}

/**
 * Money reserved for queries in flight. Holds live in memory: they mean nothing once the process
 * is gone (a query cut off before its charge released no data), and keeping them here makes a
 * hold cost no write. Every call is synchronous, so two holds never both take the same money.
 */
export class QueryHolds {
  readonly #holds = new Map<string, OpenHold>();
  readonly #heldBy = new Map<string, number>();

  /** What the account's open holds reserve. */
  heldFen(accountId: string): number {
    return this.#heldBy.get(accountId) ?? 0;
  }

  /**
   * Reserves `amountFen` of `account` for a query; returns the account with it held.
   *
   * @throws BookConflict INVALID_STATE when the hold is open already, PAYMENT_REQUIRED when the account has too little available
   */
  open(holdId: string, account: Account, amountFen: number): Account {
    if (this.#holds.has(holdId))
      throw new BookConflict('INVALID_STATE', `hold ${holdId} is already open.`);
    if (account.availableFen < amountFen) {
      throw new BookConflict(
        'PAYMENT_REQUIRED',
        `the query costs up to ${amountFen} fen; ${account.id} has ${account.availableFen} fen available.`,
        { requiredFen: amountFen, availableFen: account.availableFen },
      );
    }
    this.#holds.set(holdId, { accountId: account.id, amountFen, charging: false });
    this.#addHeld(account.id, amountFen);
    return {
      ...account,
      heldFen: account.heldFen + amountFen,
      availableFen: account.availableFen - amountFen,
    };
  }

  /** Gives a hold back unspent, unless its charge has started. Idempotent. */
  release(holdId: string): void {
    const open = this.#holds.get(holdId);
    if (!open || open.charging) return;
    this.#holds.delete(holdId);
    this.#addHeld(open.accountId, -open.amountFen);
  }

  /**
   * Starts the hold's charge: whatever happens to the charge, the hold is spent (a refused charge
   * releases no data); its money stays held until `spent` is called, so that no other query can
   * take it meanwhile. Undefined when the hold is not open or its charge has started.
   */
  startCharge(holdId: string): ChargingHold | undefined {
    const open = this.#holds.get(holdId);
    if (!open || open.charging) return undefined;
    open.charging = true;
    return {
      accountId: open.accountId,
      amountFen: open.amountFen,
      spent: () => {
        this.#holds.delete(holdId);
        this.#addHeld(open.accountId, -open.amountFen);
      },
    };
  }

  /** Drops every hold; returns how many there were. */
  releaseAll(): number {
    const count = this.#holds.size;
    this.#holds.clear();
    this.#heldBy.clear();
    return count;
  }

  /** Accounts whose held amount differs from the sum of their open holds: always none. */
  mismatches(): string[] {
    const sums = new Map<string, number>();
    for (const h of this.#holds.values())
      sums.set(h.accountId, (sums.get(h.accountId) ?? 0) + h.amountFen);
    return [...new Set([...sums.keys(), ...this.#heldBy.keys()])].filter(
      (id) => sums.get(id) !== this.#heldBy.get(id),
    );
  }

  #addHeld(accountId: string, amountFen: number): void {
    const held = (this.#heldBy.get(accountId) ?? 0) + amountFen;
    if (held === 0) this.#heldBy.delete(accountId);
    else this.#heldBy.set(accountId, held);
  }
}
