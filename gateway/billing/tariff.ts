import { GridmarkError } from '../../schema/index.js';
import { requireAmountFen } from '../../schema/index.js';

/**
 * What the platform charges besides the business systems' fee standards (patent [0066]): a
 * commission on each field fee, a resolution fee per charged query, and a registration fee per
 * business system. All integer fen or basis points.
 */
export interface Tariff {
  /** The platform's share of each system's field fees, in basis points (1/100 %), rounded down. */
  readonly commissionBasisPoints: number;
  /** Paid to the platform by every query that releases at least one charged value. */
  readonly resolutionFeeFen: number;
  /** Paid to the platform by each business system once, when it registers. */
  readonly registrationFeeFen: number;
}

/** No platform fees: business systems receive their fee standards whole. */
export const FREE_TARIFF: Tariff = {
  commissionBasisPoints: 0,
  resolutionFeeFen: 0,
  registrationFeeFen: 0,
};

/** @throws GridmarkError `BAD_CONFIGURATION` */
export function checkTariff(tariff: Tariff): Tariff {
  const bp = tariff.commissionBasisPoints;
  if (!Number.isInteger(bp) || bp < 0 || bp > 10_000)
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      `the commission must be 0 to 10000 basis points, not ${bp}`,
    );
  try {
    requireAmountFen(tariff.resolutionFeeFen, 'resolutionFeeFen');
    requireAmountFen(tariff.registrationFeeFen, 'registrationFeeFen');
  } catch (error) {
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      `tariff: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  return tariff;
}

/** The platform's commission on a gross amount of field fees (rounded down: the system keeps the odd fen). */
export function commissionOf(grossFen: number, tariff: Tariff): number {
  const product = grossFen * tariff.commissionBasisPoints;
  // Exact also where the product is beyond a double's integers.
  return Number.isSafeInteger(product)
    ? Math.floor(product / 10_000)
    : Number((BigInt(grossFen) * BigInt(tariff.commissionBasisPoints)) / 10_000n);
}
