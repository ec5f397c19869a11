import type { Resolution, TradeItem, TradePayee } from '../../ledger-adapter/index.js';
import { sumFen } from '../../schema/index.js';
import { commissionOf, type Tariff } from './tariff.js';

/** One priced field of one device. */
export interface QuotedField {
  readonly deviceId: string;
  readonly field: string;
  readonly fieldCode: string;
  readonly systemCode: string;
  /** The field's fee standard on the ledger (per value). */
  readonly feeFen: number;
}

/**
 * What a query will cost at most (patent claim 6): each selected field of each resolved device
 * with its fee standard and system, the platform's resolution fee, and the total. A query is
 * charged the quote's price of the values it actually receives verified, never more.
 */
export interface Quote {
  readonly resolutionId: string;
  readonly fields: readonly QuotedField[];
  readonly fieldFeesFen: number;
  readonly resolutionFeeFen: number;
  readonly totalFen: number;
}

/** A charge for the values released verified: the content and amounts of the trade contract. */
export interface Charge {
  readonly items: readonly TradeItem[];
  readonly payees: readonly TradePayee[];
  readonly platformFeeFen: number;
  readonly amountFen: number;
}

/** The field name of a `Device.<name>` coordinate. */
const fieldName = (coordinate: string): string => coordinate.slice(coordinate.indexOf('.') + 1);

/**
 * Prices a query before it runs: the fields it selects (by name) that the resolution gives for
 * each device, from billable (active) systems only.
 *
 * @throws GridmarkError `BAD_AMOUNT` when the price is larger than gridmark handles exactly.
 */
export function quoteQuery(
  resolution: Resolution,
  selected: ReadonlySet<string>,
  tariff: Tariff,
  billable: (field: string, systemCode: string) => boolean,
): Quote {
  const fields: QuotedField[] = [];
  for (const device of resolution.devices) {
    for (const f of device.fields) {
      const name = fieldName(f.coordinate);
      if (!selected.has(name) || !billable(name, f.systemCode)) continue;
      fields.push({
        deviceId: device.deviceId,
        field: name,
        fieldCode: f.fieldCode,
        systemCode: f.systemCode,
        feeFen: f.feeFen,
      });
    }
  }
  const fieldFeesFen = sumFen(
    fields.map((f) => f.feeFen),
    'fieldFeesFen',
  );
  const resolutionFeeFen = fields.length > 0 ? tariff.resolutionFeeFen : 0;
  return {
    resolutionId: resolution.resolutionId,
    fields,
    fieldFeesFen,
    resolutionFeeFen,
    totalFen: sumFen([fieldFeesFen, resolutionFeeFen], 'totalFen'),
  };
}

/**
 * Prices what was delivered: the quoted (device, field) pairs that were released verified, each
 * once. Systems receive their fee standards less the platform's commission; the platform receives
 * the commissions and the resolution fee. Undefined when nothing quoted was delivered verified:
 * such a query is not charged at all.
 *
 * @throws GridmarkError `BAD_AMOUNT` when a sum is larger than gridmark handles exactly.
 */
export function chargeDelivered(
  quote: Quote,
  verified: readonly { readonly device: string; readonly fieldCode: string }[],
  tariff: Tariff,
): Charge | undefined {
  const delivered = new Set(verified.map((v) => `${v.device}\u0000${v.fieldCode}`));
  const byDevice = new Map<string, string[]>();
  const grossBySystem = new Map<string, number>();
  for (const f of quote.fields) {
    if (!delivered.has(`${f.deviceId}\u0000${f.fieldCode}`)) continue;
    const codes = byDevice.get(f.deviceId) ?? [];
    if (codes.includes(f.fieldCode)) continue;
    codes.push(f.fieldCode);
    byDevice.set(f.deviceId, codes);
    grossBySystem.set(
      f.systemCode,
      sumFen([grossBySystem.get(f.systemCode) ?? 0, f.feeFen], 'grossFen'),
    );
  }
  if (byDevice.size === 0) return undefined;
  let commissions = 0;
  const payees = [...grossBySystem].map(([systemCode, grossFen]) => {
    const commission = commissionOf(grossFen, tariff);
    commissions += commission;
    return { systemCode, grossFen, amountFen: grossFen - commission };
  });
  const platformFeeFen = sumFen([commissions, tariff.resolutionFeeFen], 'platformFeeFen');
  return {
    items: [...byDevice].map(([deviceId, fieldCodes]) => ({ deviceId, fieldCodes })),
    payees,
    platformFeeFen,
    amountFen: sumFen([...payees.map((p) => p.amountFen), platformFeeFen], 'amountFen'),
  };
}
