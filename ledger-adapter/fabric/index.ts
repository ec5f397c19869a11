/**
 * The Hyperledger Fabric ledger client: the gridmark {@link LedgerClient} over a Fabric gateway
 * peer. See docs/fabric.md for pointing it at a Fabric 2.5 network.
 * May import: `schema/`, `ledger-client.ts`, gRPC and the Fabric Gateway client.
 */
export { createFabricLedgerClient } from './fabric-ledger-client.js';
export {
  DEFAULT_FABRIC_DEADLINES,
  type FabricDeadlines,
  type FabricLedgerConfig,
  type FabricTransport,
  type PemSource,
} from './fabric-config.js';
export { FabricLedgerError, type FabricStage } from './fabric-errors.js';
export type { LedgerClient } from '../ledger-client.js';
