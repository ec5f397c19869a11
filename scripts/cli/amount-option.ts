import { MAX_AMOUNT_FEN, GridmarkError } from '../../schema/index.js';

/**
 * An amount option as typed (`--amount-fen 250`): decimal digits only, nothing else. `Number()`
 * would also read `1e3`, `0x10`, `  7 `, `12.` or `Infinity`; here each of those is refused on the
 * command line, before anything is sent, and so is a number above the largest amount gridmark
 * handles (compared exactly, as a BigInt, so `9007199254740993` is not rounded into range).
 *
 * @throws GridmarkError `BAD_AMOUNT` naming the option in `details.field`.
 * @example parseAmountOption('250', 'amount-fen') // 250
 */
export function parseAmountOption(text: string, option: string): number {
  if (!/^[0-9]+$/.test(text)) {
    throw new GridmarkError(
      'BAD_AMOUNT',
      `--${option} must be a whole number of fen written in decimal digits only (1 yuan = 100 fen), not "${text}".`,
      { details: { field: option } },
    );
  }
  if (BigInt(text) > BigInt(MAX_AMOUNT_FEN)) {
    throw new GridmarkError(
      'BAD_AMOUNT',
      `--${option} is larger than gridmark handles (at most ${MAX_AMOUNT_FEN} fen).`,
      { details: { field: option } },
    );
  }
  return Number(text);
}
