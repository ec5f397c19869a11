/** Salted commitments to field values: what business systems anchor and the gateway checks. */
export { commitField, newSalt, stableJson, type FieldCommitmentInput } from './field-commitment.js';
