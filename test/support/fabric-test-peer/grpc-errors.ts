import { Metadata, type ServerErrorResponse, type status as GrpcStatus } from '@grpc/grpc-js';
import { gateway } from '@hyperledger/fabric-protos';

/** Which node an error came from and what it said, as the Fabric gateway reports it. */
export interface ErrorDetailInput {
  readonly address: string;
  readonly mspId: string;
  readonly message: string;
}

/**
 * Builds the gRPC error the Fabric gateway returns: a status code and message, and the
 * endpoint details as a `google.rpc.Status` in the `grpc-status-details-bin` trailer, which
 * the fabric-gateway client decodes into `GatewayError.details`.
 */
export function rpcError(
  code: GrpcStatus,
  message: string,
  details: readonly ErrorDetailInput[] = [],
): ServerErrorResponse {
  const metadata = new Metadata();
  if (details.length > 0)
    metadata.set('grpc-status-details-bin', Buffer.from(encodeStatus(code, message, details)));
  return Object.assign(new Error(message), { code, details: message, metadata });
}

// google.rpc.Status { int32 code = 1; string message = 2; repeated google.protobuf.Any details = 3; }
// and Any { string type_url = 1; bytes value = 2; }, written in protobuf wire format here because
// fabric-protos exports Status but not the Any message it contains.
function encodeStatus(
  code: number,
  message: string,
  details: readonly ErrorDetailInput[],
): Uint8Array {
  const parts: Buffer[] = [tag(1, 0), varint(code), lengthDelimited(2, Buffer.from(message))];
  for (const detail of details) {
    const proto = new gateway.ErrorDetail();
    proto.setAddress(detail.address);
    proto.setMspId(detail.mspId);
    proto.setMessage(detail.message);
    const any = Buffer.concat([
      lengthDelimited(1, Buffer.from('type.googleapis.com/gateway.ErrorDetail')),
      lengthDelimited(2, Buffer.from(proto.serializeBinary())),
    ]);
    parts.push(lengthDelimited(3, any));
  }
  return Buffer.concat(parts);
}

function tag(field: number, wireType: number): Buffer {
  return varint((field << 3) | wireType);
}

function lengthDelimited(field: number, bytes: Buffer): Buffer {
  return Buffer.concat([tag(field, 2), varint(bytes.length), bytes]);
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value >>> 0;
  while (rest > 0x7f) {
    bytes.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}
