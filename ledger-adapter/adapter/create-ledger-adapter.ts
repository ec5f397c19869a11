import DataLoader from 'dataloader';
import type Keyv from 'keyv';
import type {
  Anchor,
  AnchorCommitmentsInput,
  CatalogEntry,
  FieldRecord,
  ParsingRule,
  PutCatalogEntriesInput,
  PutParsingRuleInput,
  RegisterFieldsInput,
  ReportTamperInput,
  Resolution,
  ResolveInput,
  BatchedResolveInput,
  RuleKey,
  TamperReport,
  Trade,
  TradeReceipt,
} from '../contract/index.js';
import type { LedgerClient } from '../ledger-client.js';
import { GridmarkError, silentLogger, type Logger } from '../../schema/index.js';
import { anchorKey, catalogKey, fieldKey, ruleKey } from './cache-keys.js';
import { EventFollower } from './event-follower.js';
import type { LedgerAdapter, LedgerCallStats } from './ledger-adapter.js';
import { translateLedgerError } from './ledger-errors.js';
import { ReadCache } from './read-cache.js';

/** Options of {@link createLedgerAdapter}: one readonly object. */
export interface LedgerAdapterOptions {
  /** The cache; any Keyv store (Redis, SQLite, ...). Default an in-memory Keyv. */
  readonly cache?: Keyv;
  /** A safety net for cached entries, in ms, on top of event invalidation. Default 5 minutes. */
  readonly cacheTtlMs?: number;
  /** Deadline of each ledger call in ms (`LEDGER_UNAVAILABLE` after it). Default 30,000. */
  readonly callTimeoutMs?: number;
  readonly logger?: Logger;
}

/** The most anchors one `GetAnchors` call asks for (the contract's limit). */
const MAX_ANCHORS_PER_CALL = 10_000;
const MAX_RECORDS_PER_CALL = 1000;
const decoder = new TextDecoder();

/**
 * Wraps a {@link LedgerClient} in the typed, cached {@link LedgerAdapter}, and starts following
 * the ledger's events to keep the cache fresh.
 *
 * @example
 * const adapter = await createLedgerAdapter(createEmbeddedLedger({ path: 'data/ledger.db' }));
 * const anchor = await adapter.getAnchor('88.1001.1/PVI-000001', '88.1001.3.F0002');
 */
export async function createLedgerAdapter(
  client: LedgerClient,
  options: LedgerAdapterOptions = {},
): Promise<LedgerAdapter> {
  const adapter = new CachedLedgerAdapter(client, options);
  await adapter.start();
  return adapter;
}

class CachedLedgerAdapter implements LedgerAdapter {
  readonly #client: LedgerClient;
  readonly #cache: ReadCache;
  readonly #follower: EventFollower;
  readonly #timeoutMs: number;
  readonly #anchors: DataLoader<string, Anchor | null>;
  readonly #fields: DataLoader<string, FieldRecord | null>;
  readonly #catalog: DataLoader<string, CatalogEntry | null>;
  #evaluations = 0;
  #submissions = 0;

  constructor(client: LedgerClient, options: LedgerAdapterOptions) {
    this.#client = client;
    this.#cache = new ReadCache(options.cache, options.cacheTtlMs ?? 300_000);
    this.#follower = new EventFollower(client, this.#cache, options.logger ?? silentLogger);
    this.#timeoutMs = options.callTimeoutMs ?? 30_000;
    // DataLoader collects the loads of one tick into one batch; its own memo is off (the Keyv
    // cache, kept fresh by events, is the only cache).
    this.#anchors = new DataLoader(
      (keys) =>
        this.#cachedBatch(keys, anchorCacheKey, 'GetAnchors', (ks) => ks.map((k) => k.split('\n'))),
      {
        cache: false,
        maxBatchSize: MAX_ANCHORS_PER_CALL,
      },
    );
    this.#fields = new DataLoader(
      (codes) => this.#cachedBatch(codes, fieldKey, 'GetFields', (cs) => cs),
      { cache: false, maxBatchSize: MAX_RECORDS_PER_CALL },
    );
    this.#catalog = new DataLoader(
      (ids) => this.#cachedBatch(ids, catalogKey, 'GetCatalogEntries', (is) => is),
      { cache: false, maxBatchSize: MAX_RECORDS_PER_CALL },
    );
  }

  async start(): Promise<void> {
    await this.#follower.start();
  }

  get stats(): LedgerCallStats {
    return { evaluations: this.#evaluations, submissions: this.#submissions };
  }

  async registerFields(input: RegisterFieldsInput): Promise<{ fieldCodes: string[] }> {
    const result = await this.#submit<{ fieldCodes: string[] }>('RegisterFields', input);
    await this.#cache.invalidate(result.fieldCodes.map(fieldKey));
    return result;
  }

  async putCatalogEntries(input: PutCatalogEntriesInput): Promise<{ deviceIds: string[] }> {
    const result = await this.#submit<{ deviceIds: string[] }>('PutCatalogEntries', input);
    await this.#cache.invalidate(result.deviceIds.map(catalogKey));
    return result;
  }

  async putParsingRule(input: PutParsingRuleInput): Promise<ParsingRule> {
    const rule = await this.#submit<ParsingRule>('PutParsingRule', input);
    await this.#cache.invalidate([ruleKey(rule.applicationId, rule.function, rule.role)]);
    return rule;
  }

  resolve(input: ResolveInput): Promise<Resolution> {
    return this.#submit<Resolution>('Resolve', input);
  }

  resolveBatch(
    requests: readonly BatchedResolveInput[],
  ): Promise<{ recorded: string[]; refused: { resolutionId: string; code: string }[] }> {
    return this.#submit('ResolveBatch', { requests });
  }

  async anchorCommitments(input: AnchorCommitmentsInput): Promise<{ count: number; txId: string }> {
    const result = await this.#submit<{ count: number; txId: string }>('AnchorCommitments', input);
    await this.#cache.invalidate(input.commitments.map((c) => anchorKey(c.deviceId, c.fieldCode)));
    return result;
  }

  recordTrades(trades: readonly Trade[]): Promise<{ receipts: TradeReceipt[] }> {
    return this.#submit('RecordTrades', { trades });
  }

  reportTamper(input: ReportTamperInput): Promise<TamperReport> {
    return this.#submit('ReportTamper', input);
  }

  getFields(fieldCodes: readonly string[]): Promise<(FieldRecord | null)[]> {
    return this.#loadAll(this.#fields, fieldCodes, fieldKey, (code) => code);
  }

  getCatalogEntries(deviceIds: readonly string[]): Promise<(CatalogEntry | null)[]> {
    return this.#loadAll(this.#catalog, deviceIds, catalogKey, (id) => id);
  }

  async getParsingRule(key: RuleKey): Promise<ParsingRule | null> {
    const own = ruleKey(key.applicationId, key.function, key.role);
    const every = ruleKey(key.applicationId, key.function, '*');
    const [ownCached, everyCached] = await this.#cache.getMany<ParsingRule | null>(
      key.role === '*' ? [own] : [own, every],
    );
    if (ownCached) return ownCached;
    if (ownCached === null && (key.role === '*' || everyCached !== undefined))
      return everyCached ?? null;
    const since = this.#cache.beginRead();
    try {
      const rule = await this.#evaluate<ParsingRule | null>('GetParsingRule', key);
      // The answer tells which of the two rules exists: it is the role's own, or the one for `*`.
      const learned: [string, ParsingRule | null][] =
        rule === null
          ? [
              [own, null],
              [every, null],
            ]
          : rule.role === key.role
            ? [[own, rule]]
            : [
                [own, null],
                [every, rule],
              ];
      await this.#cache.fill(learned, since);
      return rule;
    } finally {
      this.#cache.endRead();
    }
  }

  getAnchor(deviceId: string, fieldCode: string): Promise<Anchor | null> {
    return this.#anchors.load(`${deviceId}\n${fieldCode}`);
  }

  getAnchors(keys: readonly (readonly [string, string])[]): Promise<(Anchor | null)[]> {
    return this.#loadAll(
      this.#anchors,
      keys,
      ([deviceId, fieldCode]) => anchorKey(deviceId, fieldCode),
      ([deviceId, fieldCode]) => `${deviceId}\n${fieldCode}`,
    );
  }

  getResolution(resolutionId: string): Promise<Resolution | null> {
    return this.#evaluate('GetResolution', resolutionId);
  }

  getTrade(tradeId: string): Promise<{ trade: Trade; receipt: TradeReceipt } | null> {
    return this.#evaluate('GetTrade', tradeId);
  }

  getTamperReports(systemCode: string): Promise<TamperReport[]> {
    return this.#evaluate('GetTamperReports', { systemCode });
  }

  async close(): Promise<void> {
    await this.#follower.stop();
    await this.#client.close();
  }

  /**
   * The records of `keys`: what the in-process cache holds is answered at once, and only the rest
   * goes through the batching loader (the Keyv store, then one ledger call).
   */
  async #loadAll<K, T>(
    loader: DataLoader<string, T | null>,
    keys: readonly K[],
    cacheKey: (key: K) => string,
    loaderKey: (key: K) => string,
  ): Promise<(T | null)[]> {
    const found = this.#cache.peekMany<T | null>(keys.map(cacheKey));
    const missing: number[] = [];
    for (let i = 0; i < found.length; i++) if (found[i] === undefined) missing.push(i);
    if (missing.length === 0) return found as (T | null)[];
    // Loader keys only for what the process does not hold.
    const loaded = await loader.loadMany(missing.map((i) => loaderKey(keys[i] as K)));
    loaded.forEach((record, j) => {
      if (record instanceof Error) throw record;
      found[missing[j] as number] = record;
    });
    return found as (T | null)[];
  }

  /** Serves a batch from the cache, reads the misses in one ledger call, and caches them. */
  async #cachedBatch<T>(
    keys: readonly string[],
    cacheKey: (key: string) => string,
    transaction: string,
    argument: (misses: string[]) => unknown,
  ): Promise<(T | null)[]> {
    const cacheKeys = keys.map(cacheKey);
    const cached = await this.#cache.getMany<T | null>(cacheKeys);
    const misses = keys.filter((_, i) => cached[i] === undefined);
    if (misses.length === 0) return cached as (T | null)[];
    const since = this.#cache.beginRead();
    try {
      const read = await this.#evaluate<(T | null)[]>(transaction, argument(misses));
      const byKey = new Map(misses.map((key, i) => [key, read[i] ?? null]));
      await this.#cache.fill(
        misses.map((key) => [cacheKey(key), byKey.get(key) ?? null] as const),
        since,
      );
      return keys.map((key, i) =>
        cached[i] !== undefined ? (cached[i] as T | null) : (byKey.get(key) ?? null),
      );
    } finally {
      this.#cache.endRead();
    }
  }

  async #evaluate<T>(transaction: string, argument: unknown): Promise<T> {
    this.#evaluations += 1;
    const bytes = await this.#call(transaction, () =>
      this.#client.evaluate(transaction, [JSON.stringify(argument)]),
    );
    return parseResult<T>(bytes, transaction);
  }

  async #submit<T>(transaction: string, argument: unknown): Promise<T> {
    this.#submissions += 1;
    const { result } = await this.#call(transaction, () =>
      this.#client.submit(transaction, [JSON.stringify(argument)]),
    );
    return parseResult<T>(result, transaction);
  }

  async #call<T>(transaction: string, call: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new GridmarkError(
              'LEDGER_UNAVAILABLE',
              `The ledger did not answer the ${transaction} call within ${this.#timeoutMs} ms.`,
              { details: { transaction } },
            ),
          ),
        this.#timeoutMs,
      );
    });
    try {
      return await Promise.race([call(), deadline]);
    } catch (error) {
      throw translateLedgerError(error, transaction);
    } finally {
      clearTimeout(timer);
    }
  }
}

function parseResult<T>(bytes: Uint8Array, transaction: string): T {
  try {
    return JSON.parse(decoder.decode(bytes)) as T;
  } catch (error) {
    throw new GridmarkError(
      'INTERNAL_ERROR',
      `The ledger's answer to ${transaction} is not JSON.`,
      { cause: error },
    );
  }
}

/** DataLoader's key of an anchor is `deviceId \n fieldCode`; its cache key is {@link anchorKey}'s. */
function anchorCacheKey(key: string): string {
  const [deviceId = '', fieldCode = ''] = key.split('\n');
  return anchorKey(deviceId, fieldCode);
}
