import { CommitError } from '@hyperledger/fabric-gateway';
import type { LedgerClient } from '../ledger-client.js';
import { resolveFabricConfig, type FabricLedgerConfig } from './fabric-config.js';
import { openFabricConnection } from './fabric-connection.js';
import { translateFabricError, type FabricStage } from './fabric-errors.js';
import { createFabricEventSource } from './fabric-events.js';

/**
 * Creates a {@link LedgerClient} over a Hyperledger Fabric gateway peer (Fabric 2.4 or later)
 * with `@hyperledger/fabric-gateway`: `evaluate` runs a read on one peer, `submit` endorses,
 * submits to ordering and waits for the commit status, and `events` follows the chaincode's
 * events with a checkpoint (see {@link FabricLedgerConfig.checkpointFile}).
 *
 * Calls reject with a `FabricLedgerError`: `LEDGER_REJECTED` when the contract refused (its
 * `[CODE]` in `details.contractCode`), the peer refused the identity or signature, or the
 * transaction was invalidated at commit; `LEDGER_UNAVAILABLE` when the peer is unreachable or a
 * deadline passed.
 *
 * @throws {GridmarkError} `BAD_CONFIGURATION` when the configuration is incomplete, a PEM file
 * cannot be read, or the private key does not belong to the certificate.
 *
 * @example
 * ```ts
 * const ledger = await createFabricLedgerClient({
 *   endpoint: 'peer0.org1.example.com:7051',
 *   transport: { kind: 'tls', caCertificate: { path: '/etc/gridmark/peer-tls-ca.pem' } },
 *   mspId: 'Org1MSP',
 *   certificate: { path: '/etc/gridmark/aggregator-cert.pem' },
 *   privateKey: { path: '/etc/gridmark/aggregator-key.pem' },
 *   channelName: 'gridmark',
 *   chaincodeName: 'gridmark',
 *   checkpointFile: '/var/lib/gridmark/fabric-events.checkpoint.json',
 * });
 * ```
 */
export async function createFabricLedgerClient(config: FabricLedgerConfig): Promise<LedgerClient> {
  const resolved = await resolveFabricConfig(config);
  const connection = openFabricConnection(resolved);
  const contract = connection.network.getContract(resolved.chaincodeName);
  const events = createFabricEventSource(
    connection.network,
    resolved.chaincodeName,
    resolved.checkpointFile === undefined
      ? { kind: 'none' }
      : { kind: 'file', path: resolved.checkpointFile },
  );
  let closed = false;

  const step = async <T>(
    stage: FabricStage,
    transaction: string,
    work: () => Promise<T>,
  ): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw translateFabricError(error, stage, transaction);
    }
  };

  return {
    evaluate(transaction, args) {
      return step('evaluate', transaction, () =>
        contract.evaluate(transaction, { arguments: [...args] }),
      );
    },
    async submit(transaction, args) {
      const proposal = contract.newProposal(transaction, { arguments: [...args] });
      const endorsed = await step('endorse', transaction, () => proposal.endorse());
      const submitted = await step('submit', transaction, () => endorsed.submit());
      const status = await step('commit-status', transaction, () => submitted.getStatus());
      if (!status.successful) {
        const error = new CommitError({
          code: status.code,
          transactionId: status.transactionId,
          message: `Transaction ${status.transactionId} failed to commit with status code ${status.code}`,
        });
        throw translateFabricError(error, 'commit', transaction);
      }
      return {
        result: submitted.getResult(),
        txId: status.transactionId,
        blockNumber: status.blockNumber,
      };
    },
    events(options) {
      return events.events(options);
    },
    close() {
      if (!closed) {
        closed = true;
        events.close();
        connection.close();
      }
      return Promise.resolve();
    },
  };
}
