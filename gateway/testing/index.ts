/**
 * The in-process test network: the gateway plus subgraphs from SDL or kit declarations, with
 * fixture data, no sockets. For application developers and business systems writing their own
 * integration tests.
 */
export {
  createTestNetwork,
  type TestNetwork,
  type TestNetworkOptions,
  type SdlSubgraph,
} from './test-network.js';
export { createInProcessFetcher, type Reachability } from './in-process-fetcher.js';
export { onboardEnterprise, TEST_ADMIN } from './onboard-enterprise.js';
// The grant issuer alone, for the attack suite's check that a grant never covers more than the
// query's resolution (test/security/grant-coverage.test.ts).
export {
  issueGrant,
  type DirectoryField,
  type FieldDirectory,
  type RequestAccess,
} from '../access/index.js';
