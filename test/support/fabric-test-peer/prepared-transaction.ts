import { common, peer } from '@hyperledger/fabric-protos';
import type { UnpackedProposal } from './proposal-reader.js';

/**
 * Assembles the unsigned transaction envelope that the gateway returns from Endorse: the
 * proposal's header, and a Transaction with one action whose ChaincodeActionPayload carries the
 * visible proposal payload and the endorsed action (the proposal response payload and its
 * endorsements). The client signs the envelope's payload and submits it.
 */
export function prepareTransaction(
  proposal: UnpackedProposal,
  responses: readonly peer.ProposalResponse[],
): common.Envelope {
  const [first] = responses;
  if (first === undefined) throw new Error('no proposal responses to assemble');
  const endorsedAction = new peer.ChaincodeEndorsedAction();
  endorsedAction.setProposalResponsePayload(first.getPayload_asU8());
  endorsedAction.setEndorsementsList(
    responses.flatMap((response) => response.getEndorsement() ?? []),
  );

  const actionPayload = new peer.ChaincodeActionPayload();
  actionPayload.setChaincodeProposalPayload(proposal.visiblePayload.serializeBinary());
  actionPayload.setAction(endorsedAction);

  const action = new peer.TransactionAction();
  action.setHeader(proposal.header.getSignatureHeader_asU8());
  action.setPayload(actionPayload.serializeBinary());

  const transaction = new peer.Transaction();
  transaction.setActionsList([action]);

  const payload = new common.Payload();
  payload.setHeader(proposal.header);
  payload.setData(transaction.serializeBinary());

  const envelope = new common.Envelope();
  envelope.setPayload(payload.serializeBinary());
  return envelope;
}
