/**
 * The Hyperledger Fabric ledger client: the gridmark {@link LedgerClient} over a Fabric gateway
 * peer. See docs/fabric.md for pointing it at a Fabric 2.5 network.
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
