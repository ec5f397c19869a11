/**
 * The vocabulary shared by the gateway, the subgraph kit, the ledger adapter and applications:
 * the protocol between them (`protocol/`: identifiers, grants, error codes, field commitments,
 * proofs, receipts, amounts of money) and the small utilities every part uses (logger, bounded
 * map, the ports fetch refuses, owner-only files, GraphQL client). Imports nothing outside `schema/`.
 */
export * from './protocol/index.js';
export { createConsoleLogger, silentLogger, type Logger, type LogLevel } from './logger.js';
export {
  createGraphqlClient,
  type GraphqlClient,
  type GraphqlClientOptions,
} from './graphql-client.js';
export { BoundedMap } from './bounded-map.js';
export { FETCH_BAD_PORTS, fetchBadPortMessage, fetchBadPortOf } from './fetch-bad-ports.js';
export {
  ensureOwnerOnlyDirectory,
  ensureOwnerOnlyFile,
  isLooserThanOwnerOnly,
  prepareOwnerOnlyDatabase,
  OWNER_ONLY_DIRECTORY_MODE,
  OWNER_ONLY_FILE_MODE,
  type OwnerOnlyOptions,
} from './owner-only-files.js';
