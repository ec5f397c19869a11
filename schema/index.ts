/**
 * The vocabulary shared by the gateway, the subgraph kit and the ledger adapter: device
 * identifiers and the error codes.
 */
export { ERROR_CODES, GRAPHQL_CLIENT_CODES, isErrorCode, type ErrorCode } from './error-codes.js';
export { GridmarkError } from './errors.js';
export {
  parseIdentifier,
  formatIdentifier,
  isValidIdentifier,
  isValidPrefix,
  isValidSuffix,
  MAX_IDENTIFIER_LENGTH,
  type DeviceIdentifier,
} from './identifier.js';
export { createConsoleLogger, silentLogger, type Logger, type LogLevel } from './logger.js';
export { RESERVED_DEVICE_FIELDS } from './reserved-fields.js';
export {
  signGrant,
  verifyGrant,
  refuseGrant,
  createReplayGuard,
  grantPublicKey,
  GRANT_HEADER,
  type Grant,
  type GrantRefusal,
  type ReplayGuard,
} from './grant.js';
export {
  createGrantVerifier,
  isGrantKey,
  newGrantKeyPair,
  openGrantChannel,
  sealGrant,
  type GrantChannel,
  type GrantKeyPair,
  type GrantVerifier,
} from './grant-channel.js';
export {
  createGraphqlClient,
  type GraphqlClient,
  type GraphqlClientOptions,
} from './graphql-client.js';
export { BoundedMap } from './bounded-map.js';
export {
  ensureOwnerOnlyDirectory,
  ensureOwnerOnlyFile,
  isLooserThanOwnerOnly,
  prepareOwnerOnlyDatabase,
  OWNER_ONLY_DIRECTORY_MODE,
  OWNER_ONLY_FILE_MODE,
  type OwnerOnlyOptions,
} from './owner-only-files.js';
