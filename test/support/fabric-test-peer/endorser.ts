import type { KeyObject } from 'node:crypto';
import { peer } from '@hyperledger/fabric-protos';
import type { ContractRunner, TransactionOutcome } from '../../../ledger-adapter/index.js';
import { signLowS } from './ecdsa-der.js';
import type { IdentityVerifier } from './identity-verifier.js';
import {
  MalformedProposalError,
  proposalHash,
  unpackProposal,
  type UnpackedProposal,
} from './proposal-reader.js';
import { encodeReadWriteSet } from './rwset.js';
import type { WorldState } from './world-state.js';

/** The peer's own signing identity, with which it endorses. */
export interface PeerSigningIdentity {
  readonly mspId: string;
  /** The peer's `msp.SerializedIdentity` bytes. */
  readonly serialized: Uint8Array;
  readonly privateKey: KeyObject;
}

/** What processing one proposal produced. */
export type EndorserResult =
  /** The proposal was not run: malformed, not signed by its creator, wrong channel or chaincode, duplicate. */
  | { readonly kind: 'refused'; readonly message: string }
  /** The chaincode ran and returned an error response (status 500 and its message). */
  | { readonly kind: 'chaincode-error'; readonly status: number; readonly message: string }
  /** The chaincode ran and succeeded; `response` is the signed proposal response. */
  | {
      readonly kind: 'endorsed';
      readonly proposal: UnpackedProposal;
      readonly response: peer.ProposalResponse;
      readonly result: Uint8Array;
    };

/** Options of {@link createEndorser}. */
export interface EndorserOptions {
  readonly channelName: string;
  readonly chaincodeName: string;
  readonly runner: ContractRunner;
  readonly state: WorldState;
  readonly verifier: IdentityVerifier;
  readonly identity: PeerSigningIdentity;
  /** True when a transaction with this id is already on the ledger. */
  readonly isCommitted: (txId: string) => boolean;
}

/** Executes signed proposals against the committed world state and signs the results (Fabric's ProcessProposal). */
export interface Endorser {
  process(signedProposal: peer.SignedProposal | undefined): Promise<EndorserResult>;
}

/** Creates the endorser of the test peer. */
export function createEndorser(options: EndorserOptions): Endorser {
  return {
    async process(signedProposal) {
      let proposal: UnpackedProposal;
      try {
        proposal = unpackProposal(signedProposal);
      } catch (error) {
        return {
          kind: 'refused',
          message:
            error instanceof MalformedProposalError
              ? error.message
              : 'failed to unpack transaction proposal',
        };
      }
      const checked = options.verifier.verify(
        proposal.signatureHeader.getCreator_asU8(),
        proposal.signedProposal.getProposalBytes_asU8(),
        proposal.signedProposal.getSignature_asU8(),
      );
      if (!checked.ok)
        return {
          kind: 'refused',
          message: `access denied: channel [${proposal.channelId}]: ${checked.reason}`,
        };
      if (proposal.channelId !== options.channelName)
        return { kind: 'refused', message: `channel '${proposal.channelId}' not found` };
      if (proposal.chaincodeName !== options.chaincodeName) {
        return {
          kind: 'refused',
          message: `chaincode definition for '${proposal.chaincodeName}' not found`,
        };
      }
      if (options.isCommitted(proposal.txId))
        return { kind: 'refused', message: `duplicate transaction found [${proposal.txId}]` };

      let outcome: TransactionOutcome;
      try {
        outcome = await options.runner(options.state, {
          transaction: proposal.transaction,
          args: proposal.args,
          txId: proposal.txId,
          timestamp: proposal.timestamp,
          creator: {
            mspId: checked.identity.mspId,
            certificatePem: checked.identity.certificatePem,
          },
        });
      } catch (error) {
        return {
          kind: 'chaincode-error',
          status: 500,
          message: error instanceof Error ? error.message : String(error),
        };
      }
      if (outcome.status !== 'OK')
        return { kind: 'chaincode-error', status: 500, message: outcome.message };
      return {
        kind: 'endorsed',
        proposal,
        response: signResponse(options, proposal, outcome),
        result: outcome.payload,
      };
    },
  };
}

function signResponse(
  options: EndorserOptions,
  proposal: UnpackedProposal,
  outcome: TransactionOutcome,
): peer.ProposalResponse {
  const response = new peer.Response();
  response.setStatus(200);
  response.setPayload(outcome.payload);

  const chaincodeId = new peer.ChaincodeID();
  chaincodeId.setName(options.chaincodeName);
  const action = new peer.ChaincodeAction();
  action.setResults(encodeReadWriteSet(options.chaincodeName, outcome));
  action.setResponse(response);
  action.setChaincodeId(chaincodeId);
  if (outcome.event !== null) {
    const event = new peer.ChaincodeEvent();
    event.setChaincodeId(options.chaincodeName);
    event.setTxId(proposal.txId);
    event.setEventName(outcome.event.name);
    event.setPayload(outcome.event.payload);
    action.setEvents(event.serializeBinary());
  }

  const payload = new peer.ProposalResponsePayload();
  payload.setProposalHash(proposalHash(proposal));
  payload.setExtension$(action.serializeBinary());
  const payloadBytes = payload.serializeBinary();

  const endorsement = new peer.Endorsement();
  endorsement.setEndorser(options.identity.serialized);
  endorsement.setSignature(
    signLowS(
      Buffer.concat([payloadBytes, options.identity.serialized]),
      options.identity.privateKey,
    ),
  );

  const result = new peer.ProposalResponse();
  result.setVersion(1);
  result.setTimestamp(proposal.channelHeader.getTimestamp());
  result.setResponse(response);
  result.setPayload(payloadBytes);
  result.setEndorsement(endorsement);
  return result;
}
