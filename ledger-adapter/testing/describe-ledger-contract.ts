import { afterAll, beforeAll, describe } from 'vitest';
import type { LedgerClient } from '../ledger-client.js';
import { describeAnchorReplacement, describeAnchors } from './anchor-tests.js';
import { describeCatalog, describeParsingRules } from './catalog-and-rule-tests.js';
import { describeFieldRegistration } from './field-registration-tests.js';
import { describeLedgerClient } from './ledger-client-tests.js';
import { LedgerSuite } from './ledger-suite.js';
import { describeResolutionBatches, describeResolutions } from './resolution-tests.js';
import { describeTamperReports } from './tamper-report-tests.js';
import { describeTrades } from './trade-tests.js';

/**
 * The behaviours every ledger must show, whatever runs the contract: run it against each
 * {@link LedgerClient} implementation (the embedded ledger, Fabric through the test peer).
 * `makeClient` is called once; the tests share the ledger and keep apart by using their own
 * system codes and applications. The client is closed at the end.
 *
 * @example describeLedgerContract('embedded ledger', () => createEmbeddedLedger({ path }));
 */
export function describeLedgerContract(
  name: string,
  makeClient: () => Promise<LedgerClient> | LedgerClient,
): void {
  describe(`ledger contract on ${name}`, () => {
    const suite = new LedgerSuite(makeClient);
    beforeAll(() => suite.open());
    afterAll(() => suite.close());

    describeFieldRegistration(suite);
    describeCatalog(suite);
    describeParsingRules(suite);
    describeResolutions(suite);
    describeResolutionBatches(suite);
    describeAnchors(suite);
    describeAnchorReplacement(suite);
    describeTrades(suite);
    describeTamperReports(suite);
    describeLedgerClient(suite);
  });
}
