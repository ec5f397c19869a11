import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import type { Trade } from '../../../ledger-adapter/index.js';
import { unpackId } from './book-ids.js';

/**
 * The part of a trade that trades with the same content share (the application, function, items,
 * payees and amounts), as JSON: everything but the trade's id, resolution and time, which its row
 * and its CHARGE entry keep.
 */
export function sharedBody(trade: Trade): string {
  const shared: Record<string, unknown> = { ...trade };
  delete shared['tradeId'];
  delete shared['resolutionId'];
  delete shared['at'];
  return JSON.stringify(shared);
}

/** The parts a trade is kept in: its row's id and resolution, its entry's time, and a shared body. */
export interface TradeParts {
  readonly tradeId: string;
  /** As stored: 32 bytes or text. */
  readonly resolutionId: unknown;
  readonly at: string;
  /** {@link sharedBody}'s JSON. */
  readonly body: string;
}

/** The trade its parts were taken from, with its members in the order a charge writes them. */
export function rebuildTrade(parts: TradeParts): Trade {
  const { applicationId, ...rest } = JSON.parse(parts.body) as Record<string, unknown>;
  return {
    tradeId: parts.tradeId,
    applicationId,
    resolutionId: unpackId(parts.resolutionId),
    ...rest,
    at: parts.at,
  } as unknown as Trade;
}

/** The book's table of shared trade bodies. */
export interface TradeBodies {
  /** The id of the trade's shared body, stored now if no trade had it yet. Inside a transaction. */
  idOf(trade: Trade): number;
}

/**
 * Shared trade bodies, found by the SHA-256 of their JSON. Read from the table each time (one
 * index lookup): an id remembered in memory could outlive a rolled-back insert.
 */
export function tradeBodies(db: Database.Database): TradeBodies {
  const byHash = db
    .prepare<[Buffer], number>('SELECT body_id FROM trade_bodies WHERE hash = ?')
    .pluck();
  const insert = db.prepare('INSERT INTO trade_bodies (hash, body) VALUES (?, ?)');
  return {
    idOf(trade) {
      const body = sharedBody(trade);
      const hash = createHash('sha256').update(body).digest();
      return byHash.get(hash) ?? Number(insert.run(hash, body).lastInsertRowid);
    },
  };
}
