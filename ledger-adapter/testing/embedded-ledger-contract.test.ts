import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createEmbeddedLedger } from '../embedded/index.js';
import { tempDir } from './temp-dir.js';
import { describeLedgerContract } from './describe-ledger-contract.js';

const tmp = tempDir();
afterAll(() => tmp.remove());

describeLedgerContract('the embedded ledger', () =>
  createEmbeddedLedger({ path: join(tmp.dir, 'ledger.db') }),
);
