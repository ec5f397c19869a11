/**
 * The protocol between the gateway, the business systems and the applications: device
 * identifiers, grants and the grant channel, the error codes and the error that carries them,
 * the field commitment a system anchors, the proofs a system returns in
 * `extensions.gridmark.proofs`, and the receipt the gateway writes in `extensions.gridmark`.
 * Imports nothing outside `schema/`.
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
export { RESERVED_DEVICE_FIELDS } from './reserved-fields.js';
export {
  signGrant,
  verifyGrant,
  refuseGrant,
  readGrantClaims,
  acceptGrant,
  grantClaims,
  createReplayGuard,
  grantPublicKey,
  GRANT_HEADER,
  GRANT_TYPE,
  DEFAULT_GRANT_SKEW_SECONDS,
  MAX_GRANT_LIFETIME_SECONDS,
  type GatewayPublicKeys,
  type GrantKeySource,
  type Grant,
  type GrantClaims,
  type GrantExpectation,
  type GrantRefusal,
  type ReplayGuard,
} from './grant.js';
export { grantKeyId } from './key-id.js';
export { MAX_TOKEN_LENGTH, MAX_HEADER_PART_LENGTH } from './compact-jws.js';
export {
  createGrantVerifier,
  isGrantKey,
  newGrantKeyPair,
  openGrantChannel,
  sealGrant,
  GRANT_CHANNEL_TYPE,
  SEALED_GRANT_SCHEME,
  type GrantChannel,
  type GrantChannelStatement,
  type GrantKeyPair,
  type GrantVerifier,
} from './grant-channel.js';
export {
  grantPublicKeysFromJwks,
  GATEWAY_JWKS_PATH,
  type GrantPublicJwk,
  type GrantPublicKeyEntry,
} from './grant-key-set.js';
export {
  commitField,
  commitReceivedField,
  newSalt,
  type FieldCommitmentInput,
} from './field-commitment.js';
export { canonicalJson } from './canonical-json.js';
export type { ServedProofs } from './served-proofs.js';
export type { ReceiptValue, ReceiptValues, VerificationStatus } from './response-receipt.js';
export { AmountLiteral, MAX_AMOUNT_FEN, formatYuan, requireAmountFen, sumFen } from './money.js';
export {
  PROTOCOL_HEADER,
  PROTOCOL_VERSIONS,
  announcedVersions,
  chooseProtocolVersion,
  requireSpokenVersion,
} from './protocol-version.js';
