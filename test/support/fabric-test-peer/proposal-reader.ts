import { createHash } from 'node:crypto';
import { common, peer } from '@hyperledger/fabric-protos';

/** A signed proposal taken apart: what the endorser needs to check and run it. */
export interface UnpackedProposal {
  readonly signedProposal: peer.SignedProposal;
  readonly header: common.Header;
  readonly channelHeader: common.ChannelHeader;
  readonly signatureHeader: common.SignatureHeader;
  /** The chaincode proposal payload with the transient map removed, as it goes into the transaction. */
  readonly visiblePayload: peer.ChaincodeProposalPayload;
  readonly channelId: string;
  readonly chaincodeName: string;
  readonly txId: string;
  readonly timestamp: Date;
  /** The transaction function name (the first chaincode argument). */
  readonly transaction: string;
  /** The remaining chaincode arguments, as UTF-8 strings. */
  readonly args: readonly string[];
}

/** A proposal that cannot be read or whose transaction id is wrong. */
export class MalformedProposalError extends Error {
  override readonly name = 'MalformedProposalError';
}

/**
 * Unpacks a `SignedProposal` (Proposal -> Header -> ChannelHeader and SignatureHeader,
 * ChaincodeProposalPayload -> ChaincodeInvocationSpec -> ChaincodeSpec -> ChaincodeInput) and
 * checks the transaction id, which Fabric defines as hex SHA-256 of nonce then creator.
 *
 * @throws {MalformedProposalError} when a layer is missing or malformed, or the id does not match.
 */
export function unpackProposal(signedProposal: peer.SignedProposal | undefined): UnpackedProposal {
  if (signedProposal === undefined || signedProposal.getProposalBytes_asU8().length === 0) {
    throw new MalformedProposalError('the proposed transaction must contain a signed proposal');
  }
  try {
    const proposal = peer.Proposal.deserializeBinary(signedProposal.getProposalBytes_asU8());
    const header = common.Header.deserializeBinary(proposal.getHeader_asU8());
    const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
    const signatureHeader = common.SignatureHeader.deserializeBinary(
      header.getSignatureHeader_asU8(),
    );
    if (channelHeader.getType() !== common.HeaderType.ENDORSER_TRANSACTION) {
      throw new MalformedProposalError(`invalid header type ${channelHeader.getType()}`);
    }
    const payload = peer.ChaincodeProposalPayload.deserializeBinary(proposal.getPayload_asU8());
    const spec = peer.ChaincodeInvocationSpec.deserializeBinary(
      payload.getInput_asU8(),
    ).getChaincodeSpec();
    const chaincodeName = spec?.getChaincodeId()?.getName() ?? '';
    const [name, ...args] = (spec?.getInput()?.getArgsList_asU8() ?? []).map((arg) =>
      Buffer.from(arg).toString('utf8'),
    );
    if (chaincodeName === '' || name === undefined || name === '')
      throw new MalformedProposalError('the proposal names no chaincode function');

    const expectedTxId = createHash('sha256')
      .update(signatureHeader.getNonce_asU8())
      .update(signatureHeader.getCreator_asU8())
      .digest('hex');
    if (channelHeader.getTxId() !== expectedTxId) {
      throw new MalformedProposalError(
        `invalid txID: got [${channelHeader.getTxId()}], expected [${expectedTxId}]`,
      );
    }
    // google.protobuf.Timestamp, typed structurally: its package is fabric-protos' own dependency.
    const stamp = channelHeader.getTimestamp() as
      { getSeconds(): number; getNanos(): number } | undefined;
    const visiblePayload = new peer.ChaincodeProposalPayload();
    visiblePayload.setInput(payload.getInput_asU8());
    return {
      signedProposal,
      header,
      channelHeader,
      signatureHeader,
      visiblePayload,
      channelId: channelHeader.getChannelId(),
      chaincodeName,
      txId: channelHeader.getTxId(),
      timestamp:
        stamp === undefined
          ? new Date(0)
          : new Date(stamp.getSeconds() * 1000 + Math.floor(stamp.getNanos() / 1e6)),
      transaction: name,
      args,
    };
  } catch (error) {
    if (error instanceof MalformedProposalError) throw error;
    throw new MalformedProposalError('failed to unpack transaction proposal', { cause: error });
  }
}

/** The hash that binds a proposal response to its proposal: channel header, signature header, visible payload. */
export function proposalHash(unpacked: UnpackedProposal): Uint8Array {
  return createHash('sha256')
    .update(unpacked.header.getChannelHeader_asU8())
    .update(unpacked.header.getSignatureHeader_asU8())
    .update(unpacked.visiblePayload.serializeBinary())
    .digest();
}
