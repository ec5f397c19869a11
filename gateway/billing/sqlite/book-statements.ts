import type { Account, Statement, StatementLine } from '../billing-types.js';

/** An account's movements over `[from, to)`, before running balances are added. */
export interface StatementMovements {
  readonly openingFen: number;
  readonly lines: readonly Omit<StatementLine, 'balanceFen'>[];
}

/** The statement of `account` over `[from, to)`: each line with the balance after it, and the period's totals. */
export function statementOf(
  account: Account,
  from: string,
  to: string,
  { openingFen, lines: movements }: StatementMovements,
): Statement {
  let balance = openingFen;
  let creditsFen = 0;
  let debitsFen = 0;
  const lines = movements.map((line): StatementLine => {
    balance += line.amountFen;
    if (line.amountFen > 0) creditsFen += line.amountFen;
    else debitsFen -= line.amountFen;
    return { ...line, balanceFen: balance };
  });
  return { account, from, to, openingFen, creditsFen, debitsFen, closingFen: balance, lines };
}
