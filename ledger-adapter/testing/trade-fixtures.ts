import type { LedgerAdapter } from '../adapter/index.js';
import { MAX_RESOLUTIONS_PER_BATCH, type Trade } from '../contract/index.js';

/** Resolutions on a ledger, and trades that pay for them as the contract requires. */
export interface TradeMarket {
  readonly applicationId: string;
  readonly function: string;
  /** The recorded resolutions, each over `devicesPerResolution` devices. */
  readonly resolutionIds: readonly string[];
  /**
   * A trade paying for every resolved field of a resolution's devices: each system's gross is its
   * fields' fee standards, its commission a tenth of that (rounded down), and the platform fee the
   * commissions plus a resolution fee of 1 fen.
   */
  trade(tradeId: string, resolutionId: string, at?: string): Trade;
}

/** Options of {@link openTradeMarket}. */
export interface TradeMarketOptions {
  /** A number (0-999999) that keeps this market's systems, devices and application apart from others on the same ledger. */
  readonly tag: number;
  /** Business systems, each holding three fields (10, 20 and 30 fen) of every device. Default 3. */
  readonly systems?: number;
  readonly resolutions?: number;
  readonly devicesPerResolution?: number;
}

/**
 * Registers fields, catalog entries and a rule on the ledger, records resolutions through
 * `ResolveBatch`, and returns a builder of trades that the contract accepts for them.
 *
 * @example const market = await openTradeMarket(ledger, { tag: 1, resolutions: 10 });
 *          await ledger.recordTrades([market.trade('T-1', market.resolutionIds[0])]);
 */
export async function openTradeMarket(
  ledger: LedgerAdapter,
  options: TradeMarketOptions,
): Promise<TradeMarket> {
  const tag = String(options.tag);
  if (!/^\d{1,6}$/.test(tag))
    throw new RangeError(`a market's tag is a number from 0 to 999999, got ${tag}`);
  const resolutionCount = options.resolutions ?? 1;
  const perResolution = options.devicesPerResolution ?? 2;
  const systems = marketSystems(tag, options.systems ?? 3);
  const deviceIds = Array.from(
    { length: perResolution * 4 },
    (_, d) => `88.1001.1/MKT-${tag}-${d}`,
  );
  const applicationId = `APP-MKT-${tag}`;
  const fn = 'trading';
  await registerMarket(ledger, systems, deviceIds, { applicationId, function: fn });

  const devicesOf = new Map<string, readonly string[]>();
  const requests = Array.from({ length: resolutionCount }, (_, r) => {
    const first = (r % 4) * perResolution;
    const devices = deviceIds.slice(first, first + perResolution);
    const resolutionId = `RES-${tag}-${r}`;
    devicesOf.set(resolutionId, devices);
    return { resolutionId, applicationId, function: fn, role: 'analyst', deviceIds: devices };
  });
  await resolveAll(ledger, requests);

  const { payees, platformFeeFen, amountFen } = marketPrices(systems, perResolution);
  const fieldCodes = systems.flatMap((s) => s.fields).map((f) => f.fieldCode);
  return {
    applicationId,
    function: fn,
    resolutionIds: requests.map((r) => r.resolutionId),
    trade(tradeId, resolutionId, at = new Date().toISOString()) {
      const devices = devicesOf.get(resolutionId);
      if (!devices) throw new Error(`resolution ${resolutionId} is not one of this market's`);
      return {
        tradeId,
        applicationId,
        resolutionId,
        function: fn,
        items: devices.map((deviceId) => ({ deviceId, fieldCodes })),
        payees,
        platformFeeFen,
        amountFen,
        at,
      };
    },
  };
}

/** A market's business system: its code and its three fields. */
interface MarketSystem {
  readonly systemCode: string;
  readonly fields: readonly { fieldCode: string; coordinate: string; feeFen: number }[];
}

/** `count` systems of the market tagged `tag`, each with fields of 10, 20 and 30 fen. */
function marketSystems(tag: string, count: number): MarketSystem[] {
  return Array.from({ length: count }, (_, s) => {
    const systemCode = `88.${7000 + s}.${tag}`;
    return {
      systemCode,
      fields: [1, 2, 3].map((n) => ({
        fieldCode: `${systemCode}.F000${n}`,
        coordinate: `Device.m${tag}s${s}f${n}`,
        feeFen: 10 * n,
      })),
    };
  });
}

/** Registers the systems' fields, every device as held by every system, and a rule for all fields. */
async function registerMarket(
  ledger: LedgerAdapter,
  systems: readonly MarketSystem[],
  deviceIds: readonly string[],
  rule: { readonly applicationId: string; readonly function: string },
): Promise<void> {
  for (const { systemCode, fields } of systems) await ledger.registerFields({ systemCode, fields });
  await ledger.putCatalogEntries({
    entries: deviceIds.map((deviceId) => ({
      deviceId,
      holdings: systems.map((s) => ({
        systemCode: s.systemCode,
        fieldCodes: s.fields.map((f) => f.fieldCode),
      })),
    })),
  });
  await ledger.putParsingRule({
    ...rule,
    role: '*',
    fieldCodes: systems.flatMap((s) => s.fields).map((f) => f.fieldCode),
  });
}

/** Records the resolutions in batches the contract takes; any refusal is an error. */
async function resolveAll(
  ledger: LedgerAdapter,
  requests: Parameters<LedgerAdapter['resolveBatch']>[0],
): Promise<void> {
  for (let i = 0; i < requests.length; i += MAX_RESOLUTIONS_PER_BATCH) {
    const { refused } = await ledger.resolveBatch(requests.slice(i, i + MAX_RESOLUTIONS_PER_BATCH));
    if (refused.length > 0)
      throw new Error(
        `the ledger refused ${refused.length} resolutions of the market, the first ${refused[0]?.resolutionId} (${refused[0]?.code})`,
      );
  }
}

/**
 * What a trade of one resolution pays: each system its fields' fees over the resolution's devices
 * less a tenth (rounded down), the platform those commissions plus a resolution fee of 1 fen.
 */
function marketPrices(
  systems: readonly MarketSystem[],
  perResolution: number,
): Pick<Trade, 'payees' | 'platformFeeFen' | 'amountFen'> {
  const payees = systems.map((s) => {
    const grossFen = s.fields.reduce((sum, f) => sum + f.feeFen, 0) * perResolution;
    return { systemCode: s.systemCode, grossFen, amountFen: grossFen - Math.floor(grossFen / 10) };
  });
  const platformFeeFen = payees.reduce((sum, p) => sum + p.grossFen - p.amountFen, 1);
  const amountFen = payees.reduce((sum, p) => sum + p.amountFen, platformFeeFen);
  return { payees, platformFeeFen, amountFen };
}
