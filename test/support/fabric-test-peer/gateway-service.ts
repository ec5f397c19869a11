import {
  status as GrpcStatus,
  type sendUnaryData,
  type ServerErrorResponse,
  type ServerUnaryCall,
} from '@grpc/grpc-js';
import { common, gateway, peer } from '@hyperledger/fabric-protos';
import type { BlockCutter } from './block-cutter.js';
import { streamChaincodeEvents } from './chaincode-event-stream.js';
import type { Endorser, EndorserResult } from './endorser.js';
import { rpcError } from './grpc-errors.js';
import type { IdentityVerifier } from './identity-verifier.js';
import type { PeerLedger } from './peer-ledger.js';
import { prepareTransaction } from './prepared-transaction.js';

/** What the gateway service is wired to. */
export interface GatewayServiceContext {
  readonly channelName: string;
  readonly chaincodeName: string;
  readonly mspId: string;
  /** The peer's address as reported in error details. */
  readonly address: () => string;
  readonly endorser: Endorser;
  readonly ledger: PeerLedger;
  readonly orderer: BlockCutter;
  readonly verifier: IdentityVerifier;
}

/**
 * The `gateway.Gateway` service of the test peer. Status codes and messages follow the Fabric
 * 2.5 gateway (`internal/pkg/gateway/api.go`): a chaincode error is UNKNOWN on Evaluate and
 * ABORTED on Endorse with the endorser's "chaincode response 500, ..." in the error details; a
 * proposal the endorser refuses (bad signature, unknown channel) is FAILED_PRECONDITION on
 * Evaluate and ABORTED on Endorse; an envelope the orderer refuses is ABORTED; a commit-status
 * or events request whose signature fails is PERMISSION_DENIED.
 */
export function createGatewayService(context: GatewayServiceContext): gateway.IGatewayServer {
  return {
    evaluate: (call, callback) => evaluate(context, call.request, callback),
    endorse: (call, callback) => endorse(context, call.request, callback),
    submit: (call, callback) => submit(context, call.request, callback),
    commitStatus: (call, callback) => commitStatus(context, call, callback),
    chaincodeEvents: (call) => streamChaincodeEvents(call, context),
  };
}

/** The error details the Fabric gateway attaches: which peer said what. */
function detail(context: GatewayServiceContext, message: string) {
  return [{ address: context.address(), mspId: context.mspId, message }];
}

/**
 * Hands a proposal to the endorser. The endorser reports every expected failure as a result;
 * anything it throws is a fault of the peer, reported to the caller as INTERNAL.
 */
function endorseProposal(
  context: GatewayServiceContext,
  proposal: peer.SignedProposal | undefined,
  fail: (error: ServerErrorResponse) => void,
): Promise<EndorserResult | undefined> {
  return context.endorser.process(proposal).catch((error: unknown) => {
    fail(
      rpcError(
        GrpcStatus.INTERNAL,
        `endorser failed: ${error instanceof Error ? error.message : String(error)}`,
      ),
    );
    return undefined;
  });
}

function evaluate(
  context: GatewayServiceContext,
  request: gateway.EvaluateRequest,
  callback: sendUnaryData<gateway.EvaluateResponse>,
): void {
  void endorseProposal(context, request.getProposedTransaction(), callback).then((result) => {
    if (result === undefined) return;
    switch (result.kind) {
      case 'refused':
        return callback(
          rpcError(
            GrpcStatus.FAILED_PRECONDITION,
            `evaluate call to endorser returned error: ${result.message}`,
            detail(context, result.message),
          ),
        );
      case 'chaincode-error': {
        const message = `chaincode response ${result.status}, ${result.message}`;
        return callback(
          rpcError(
            GrpcStatus.UNKNOWN,
            `evaluate call to endorser returned error: ${message}`,
            detail(context, message),
          ),
        );
      }
      case 'endorsed': {
        const response = new peer.Response();
        response.setStatus(200);
        response.setPayload(result.result);
        const reply = new gateway.EvaluateResponse();
        reply.setResult(response);
        return callback(null, reply);
      }
    }
  });
}

function endorse(
  context: GatewayServiceContext,
  request: gateway.EndorseRequest,
  callback: sendUnaryData<gateway.EndorseResponse>,
): void {
  void endorseProposal(context, request.getProposedTransaction(), callback).then((result) => {
    if (result === undefined) return;
    const failed = 'failed to endorse transaction, see attached details for more info';
    switch (result.kind) {
      case 'refused':
        return callback(rpcError(GrpcStatus.ABORTED, failed, detail(context, result.message)));
      case 'chaincode-error':
        return callback(
          rpcError(
            GrpcStatus.ABORTED,
            failed,
            detail(context, `chaincode response ${result.status}, ${result.message}`),
          ),
        );
      case 'endorsed': {
        const reply = new gateway.EndorseResponse();
        reply.setPreparedTransaction(prepareTransaction(result.proposal, [result.response]));
        return callback(null, reply);
      }
    }
  });
}

function submit(
  context: GatewayServiceContext,
  request: gateway.SubmitRequest,
  callback: sendUnaryData<gateway.SubmitResponse>,
): void {
  const envelope = request.getPreparedTransaction();
  if (envelope === undefined)
    return callback(rpcError(GrpcStatus.INVALID_ARGUMENT, 'a prepared transaction is required'));
  if (envelope.getSignature_asU8().length === 0)
    return callback(rpcError(GrpcStatus.INVALID_ARGUMENT, 'prepared transaction must be signed'));
  if (request.getChannelId() !== context.channelName) {
    return callback(
      rpcError(GrpcStatus.FAILED_PRECONDITION, `channel '${request.getChannelId()}' not found`),
    );
  }
  const refusal = ordererRefusal(envelope, context);
  if (refusal !== undefined) {
    return callback(
      rpcError(
        GrpcStatus.ABORTED,
        `received unsuccessful response from orderer: status=${refusal.status}, info=${refusal.info}`,
      ),
    );
  }
  context.orderer.enqueue(envelope);
  callback(null, new gateway.SubmitResponse());
}

function commitStatus(
  context: GatewayServiceContext,
  call: ServerUnaryCall<gateway.SignedCommitStatusRequest, gateway.CommitStatusResponse>,
  callback: sendUnaryData<gateway.CommitStatusResponse>,
): void {
  const signed = call.request;
  if (signed.getRequest_asU8().length === 0)
    return callback(rpcError(GrpcStatus.INVALID_ARGUMENT, 'a commit status request is required'));
  let request: gateway.CommitStatusRequest;
  try {
    request = gateway.CommitStatusRequest.deserializeBinary(signed.getRequest_asU8());
  } catch {
    return callback(rpcError(GrpcStatus.INVALID_ARGUMENT, 'invalid status request'));
  }
  const checked = context.verifier.verify(
    request.getIdentity_asU8(),
    signed.getRequest_asU8(),
    signed.getSignature_asU8(),
  );
  if (!checked.ok)
    return callback(rpcError(GrpcStatus.PERMISSION_DENIED, `access denied: ${checked.reason}`));
  if (request.getChannelId() !== context.channelName) {
    return callback(
      rpcError(GrpcStatus.FAILED_PRECONDITION, `channel '${request.getChannelId()}' not found`),
    );
  }
  // Like the Fabric gateway, wait for the transaction to commit; the client's deadline ends the wait.
  const abort = new AbortController();
  call.on('cancelled', () => abort.abort(new Error('cancelled')));
  context.ledger.waitForStatus(request.getTransactionId(), abort.signal).then(
    (status) => {
      const reply = new gateway.CommitStatusResponse();
      reply.setResult(status.code as peer.TxValidationCodeMap[keyof peer.TxValidationCodeMap]);
      reply.setBlockNumber(Number(status.blockNumber));
      callback(null, reply);
    },
    () => callback(rpcError(GrpcStatus.CANCELLED, 'commit status request cancelled')),
  );
}

/** The orderer's checks before it accepts an envelope: a readable header and a valid creator signature. */
function ordererRefusal(
  envelope: common.Envelope,
  context: GatewayServiceContext,
): { status: string; info: string } | undefined {
  let creator: Uint8Array;
  try {
    const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
    const header = payload.getHeader();
    if (header === undefined) return { status: 'BAD_REQUEST', info: 'missing header' };
    creator = common.SignatureHeader.deserializeBinary(
      header.getSignatureHeader_asU8(),
    ).getCreator_asU8();
  } catch {
    return { status: 'BAD_REQUEST', info: 'bad payload' };
  }
  const checked = context.verifier.verify(
    creator,
    envelope.getPayload_asU8(),
    envelope.getSignature_asU8(),
  );
  return checked.ok
    ? undefined
    : { status: 'FORBIDDEN', info: `implicit policy evaluation failed: ${checked.reason}` };
}
