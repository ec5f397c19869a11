import { status as GrpcStatus, type ServerWritableStream } from '@grpc/grpc-js';
import { gateway, peer } from '@hyperledger/fabric-protos';
import type { GatewayServiceContext } from './gateway-service.js';
import { rpcError } from './grpc-errors.js';
import type { CommittedBlock } from './peer-ledger.js';

/**
 * Streams the chaincode events of committed blocks to one `ChaincodeEvents` call, from the block
 * the request names (or after its checkpointed transaction) on, until the client goes away.
 */
export function streamChaincodeEvents(
  call: ServerWritableStream<gateway.SignedChaincodeEventsRequest, gateway.ChaincodeEventsResponse>,
  context: GatewayServiceContext,
): void {
  const fail = (code: GrpcStatus, message: string): void => {
    call.emit('error', rpcError(code, message));
  };
  const signed = call.request;
  if (signed.getRequest_asU8().length === 0)
    return fail(GrpcStatus.INVALID_ARGUMENT, 'a chaincode events request is required');
  let request: gateway.ChaincodeEventsRequest;
  try {
    request = gateway.ChaincodeEventsRequest.deserializeBinary(signed.getRequest_asU8());
  } catch {
    return fail(GrpcStatus.INVALID_ARGUMENT, 'invalid chaincode events request');
  }
  const checked = context.verifier.verify(
    request.getIdentity_asU8(),
    signed.getRequest_asU8(),
    signed.getSignature_asU8(),
  );
  if (!checked.ok) return fail(GrpcStatus.PERMISSION_DENIED, `access denied: ${checked.reason}`);
  if (request.getChannelId() !== context.channelName)
    return fail(GrpcStatus.NOT_FOUND, `channel '${request.getChannelId()}' not found`);

  const chaincodeId = request.getChaincodeId();
  const afterTxId = request.getAfterTransactionId();
  const afterBlock = afterTxId === '' ? undefined : context.ledger.blockOf(afterTxId);
  const position = request.getStartPosition();
  let next: bigint =
    afterBlock ??
    (position?.hasSpecified() === true
      ? BigInt(position.getSpecified()?.getNumber() ?? 0)
      : context.ledger.height());
  // With a checkpointed transaction, skip events up to and including it (the client already has them).
  let passedAfter = afterBlock === undefined;

  let closed = false;
  const send = (block: CommittedBlock): void => {
    const events: peer.ChaincodeEvent[] = [];
    for (const transaction of block.transactions) {
      if (!passedAfter) {
        if (transaction.txId === afterTxId) passedAfter = true;
        continue;
      }
      if (
        transaction.code === peer.TxValidationCode.VALID &&
        transaction.event?.getChaincodeId() === chaincodeId
      ) {
        events.push(transaction.event);
      }
    }
    if (events.length === 0) return;
    const response = new gateway.ChaincodeEventsResponse();
    response.setBlockNumber(Number(block.number));
    response.setEventsList(events);
    call.write(response);
  };
  const pump = (): void => {
    while (!closed && next < context.ledger.height()) {
      const block = context.ledger.block(next);
      next += 1n;
      if (block !== undefined) send(block);
    }
  };
  const unsubscribe = context.ledger.onBlock(pump);
  const close = (): void => {
    closed = true;
    unsubscribe();
  };
  call.on('cancelled', close);
  call.on('close', close);
  pump();
}
