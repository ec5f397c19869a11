import { describe, expect, it } from 'vitest';
import { MAX_AMOUNT_FEN } from '../../schema/index.js';
import { commissionOf } from './tariff.js';

describe('the tariff', () => {
  it('takes its commission exactly, also on amounts whose product with the basis points a double cannot hold', () => {
    expect(
      commissionOf(MAX_AMOUNT_FEN, {
        commissionBasisPoints: 1_000,
        resolutionFeeFen: 0,
        registrationFeeFen: 0,
      }),
    ).toBe(900_719_925_474_099);
    expect(
      commissionOf(99, {
        commissionBasisPoints: 1_000,
        resolutionFeeFen: 0,
        registrationFeeFen: 0,
      }),
    ).toBe(9);
  });
});
