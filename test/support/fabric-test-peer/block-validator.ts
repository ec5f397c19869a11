import { verify, type X509Certificate } from 'node:crypto';
import { common, peer } from '@hyperledger/fabric-protos';
import type { StateEntry } from '../../../ledger-adapter/index.js';
import type { IdentityVerifier } from './identity-verifier.js';
import { decodeReadWriteSet } from './rwset.js';
import type { StateWrite, WorldState } from './world-state.js';

const Code = peer.TxValidationCode;

/** A transaction's validation result in its block. */
export interface ValidatedTransaction {
  readonly txId: string;
  /** A `peer.TxValidationCode`: VALID, or why the transaction was invalidated. */
  readonly code: number;
  readonly writes: readonly StateWrite[];
  /** The chaincode event, kept only for valid transactions (invalid ones emit nothing). */
  readonly event: peer.ChaincodeEvent | null;
}

/** What the validator checks a transaction against. */
export interface ValidationContext {
  readonly channelName: string;
  readonly chaincodeName: string;
  readonly verifier: IdentityVerifier;
  /** The serialized identity of the peer; its endorsement is the endorsement policy. */
  readonly endorser: Uint8Array;
  readonly endorserCertificate: X509Certificate;
  readonly state: WorldState;
  /** True when the id is already committed, or earlier in the block being validated. */
  readonly seen: (txId: string) => boolean;
}

/**
 * Validates one ordered transaction as a committing peer does: creator signature, duplicate id,
 * endorsement policy (a valid signature of this peer over the proposal response payload), the
 * read/write set's namespace, then MVCC (every read version still current). It does not apply
 * the writes; the caller does, for valid transactions, before validating the next one.
 */
export function validateTransaction(
  envelope: common.Envelope,
  context: ValidationContext,
): ValidatedTransaction {
  let txId = '';
  const invalid = (code: number): ValidatedTransaction => ({ txId, code, writes: [], event: null });
  let channelHeader: common.ChannelHeader;
  let signatureHeader: common.SignatureHeader;
  let transaction: peer.Transaction;
  try {
    const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
    const header = payload.getHeader();
    if (header === undefined) return invalid(Code.BAD_COMMON_HEADER);
    channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
    signatureHeader = common.SignatureHeader.deserializeBinary(header.getSignatureHeader_asU8());
    txId = channelHeader.getTxId();
    transaction = peer.Transaction.deserializeBinary(payload.getData_asU8());
  } catch {
    return invalid(Code.BAD_PAYLOAD);
  }
  if (channelHeader.getType() !== common.HeaderType.ENDORSER_TRANSACTION)
    return invalid(Code.UNKNOWN_TX_TYPE);
  if (channelHeader.getChannelId() !== context.channelName)
    return invalid(Code.TARGET_CHAIN_NOT_FOUND);
  const creator = context.verifier.verify(
    signatureHeader.getCreator_asU8(),
    envelope.getPayload_asU8(),
    envelope.getSignature_asU8(),
  );
  if (!creator.ok) return invalid(Code.BAD_CREATOR_SIGNATURE);
  if (context.seen(txId)) return invalid(Code.DUPLICATE_TXID);

  const [action, ...more] = transaction.getActionsList();
  if (action === undefined) return invalid(Code.NIL_TXACTION);
  if (more.length > 0) return invalid(Code.INVALID_ENDORSER_TRANSACTION);
  let endorsed: peer.ChaincodeEndorsedAction;
  let chaincodeAction: peer.ChaincodeAction;
  try {
    const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
    const found = actionPayload.getAction();
    if (found === undefined) return invalid(Code.NIL_TXACTION);
    endorsed = found;
    const responsePayload = peer.ProposalResponsePayload.deserializeBinary(
      endorsed.getProposalResponsePayload_asU8(),
    );
    chaincodeAction = peer.ChaincodeAction.deserializeBinary(responsePayload.getExtension_asU8());
  } catch {
    return invalid(Code.BAD_RESPONSE_PAYLOAD);
  }
  if (!satisfiesEndorsementPolicy(endorsed, context))
    return invalid(Code.ENDORSEMENT_POLICY_FAILURE);
  if (chaincodeAction.getChaincodeId()?.getName() !== context.chaincodeName)
    return invalid(Code.INVALID_CHAINCODE);

  let sets;
  try {
    sets = decodeReadWriteSet(chaincodeAction.getResults_asU8());
  } catch {
    return invalid(Code.BAD_RWSET);
  }
  if (sets.some((set) => set.namespace !== context.chaincodeName))
    return invalid(Code.ILLEGAL_WRITESET);
  for (const set of sets) {
    for (const read of set.reads) {
      if (!sameVersion(read.version, context.state.versionOf(read.key)))
        return invalid(Code.MVCC_READ_CONFLICT);
    }
  }
  let event: peer.ChaincodeEvent | null = null;
  const eventBytes = chaincodeAction.getEvents_asU8();
  if (eventBytes.length > 0) {
    try {
      event = peer.ChaincodeEvent.deserializeBinary(eventBytes);
    } catch {
      return invalid(Code.BAD_RESPONSE_PAYLOAD);
    }
  }
  return { txId, code: Code.VALID, writes: sets.flatMap((set) => set.writes), event };
}

function satisfiesEndorsementPolicy(
  action: peer.ChaincodeEndorsedAction,
  context: ValidationContext,
): boolean {
  const payload = action.getProposalResponsePayload_asU8();
  return action.getEndorsementsList().some((endorsement) => {
    const endorser = endorsement.getEndorser_asU8();
    if (!Buffer.from(endorser).equals(Buffer.from(context.endorser))) return false;
    try {
      return verify(
        'sha256',
        Buffer.concat([payload, endorser]),
        context.endorserCertificate.publicKey,
        endorsement.getSignature_asU8(),
      );
    } catch {
      return false;
    }
  });
}

function sameVersion(a: StateEntry['version'] | null, b: StateEntry['version'] | null): boolean {
  if (a === null || b === null) return a === b;
  return a.blockNumber === b.blockNumber && a.txNumber === b.txNumber;
}
