import { Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { CommitError, GatewayError, StatusCode } from '@hyperledger/fabric-gateway';
import { describe, expect, it } from 'vitest';
import { FabricLedgerError, translateFabricError } from './fabric-errors.js';

function gatewayError(code: GrpcStatus, message: string, details: string[] = []): GatewayError {
  const cause: ServiceError = Object.assign(new Error(message), {
    code,
    details: message,
    metadata: new Metadata(),
  });
  return new GatewayError({
    code,
    message,
    cause,
    details: details.map((detail) => ({
      address: 'peer0.org1.example.com:7051',
      mspId: 'Org1MSP',
      message: detail,
    })),
  });
}

describe('translating fabric-gateway errors', () => {
  it('reads the contract code from an endorser detail and keeps the peer address out of the error', () => {
    const error = translateFabricError(
      gatewayError(
        GrpcStatus.ABORTED,
        'failed to endorse transaction, see attached details for more info',
        ['chaincode response 500, [UNKNOWN_FIELD] 88.1001.3.F0009 is not registered'],
      ),
      'endorse',
      'PutParsingRule',
    );
    expect(error).toBeInstanceOf(FabricLedgerError);
    expect(error).toMatchObject({ name: 'FabricLedgerError', code: 'LEDGER_REJECTED' });
    expect(error.details).toEqual({
      stage: 'endorse',
      transaction: 'PutParsingRule',
      grpcStatus: 'ABORTED',
      contractCode: 'UNKNOWN_FIELD',
      reason: '88.1001.3.F0009 is not registered',
    });
    expect(JSON.stringify(error.toGraphQLError())).not.toContain('7051');
  });

  it('keeps a chaincode error without a bracketed code as the reason', () => {
    const error = translateFabricError(
      gatewayError(
        GrpcStatus.UNKNOWN,
        'evaluate call to endorser returned error: chaincode response 500, boom',
        ['chaincode response 500, boom'],
      ),
      'evaluate',
    );
    expect(error.code).toBe('LEDGER_REJECTED');
    expect(error.details).toMatchObject({ reason: 'boom' });
    expect(error.details).not.toHaveProperty('contractCode');
  });

  it.each([
    [GrpcStatus.UNAVAILABLE, 'LEDGER_UNAVAILABLE'],
    [GrpcStatus.DEADLINE_EXCEEDED, 'LEDGER_UNAVAILABLE'],
    [GrpcStatus.UNKNOWN, 'LEDGER_UNAVAILABLE'],
    [GrpcStatus.UNIMPLEMENTED, 'LEDGER_UNAVAILABLE'],
    [GrpcStatus.PERMISSION_DENIED, 'LEDGER_REJECTED'],
    [GrpcStatus.FAILED_PRECONDITION, 'LEDGER_REJECTED'],
    [GrpcStatus.ABORTED, 'LEDGER_REJECTED'],
  ] as const)('maps gRPC status %i without a chaincode response to %s', (status, code) => {
    const error = translateFabricError(gatewayError(status, 'peer said no'), 'submit');
    expect(error.code).toBe(code);
    expect(error.details).toMatchObject({ stage: 'submit', grpcStatus: GrpcStatus[status] });
  });

  it('names the validation code of a transaction invalidated at commit', () => {
    const cause = new CommitError({ code: StatusCode.MVCC_READ_CONFLICT, transactionId: 'ab12' });
    const error = translateFabricError(cause, 'commit', 'AnchorCommitments');
    expect(error).toMatchObject({ code: 'LEDGER_REJECTED', cause });
    expect(error.details).toEqual({
      stage: 'commit',
      transaction: 'AnchorCommitments',
      transactionId: 'ab12',
      validationCode: 'MVCC_READ_CONFLICT',
    });
  });

  it('treats anything else as the ledger not answering, keeping it as the cause', () => {
    const cause = new Error('No result returned');
    expect(translateFabricError(cause, 'evaluate')).toMatchObject({
      code: 'LEDGER_UNAVAILABLE',
      cause,
    });
  });
});
