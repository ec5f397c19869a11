/**
 * The demo: a PV plant shared by five business systems through gridmark. It owns the plant model
 * (`plant/`), the five systems built with the subgraph kit over their own SQLite databases
 * (`systems/`), the demo's data directory and its seeding (`data-directory/`), and the network that runs it
 * all, gateway, registry, ledger and book included (`network/`, in process; `npm start` runs it
 * from the product's commands instead: `gridmark serve` and five `gridmark system serve`). Its entry points are
 * `start-demo.ts` (`npm start`), `seed-demo.ts` (`npm run seed`), `tamper-demo.ts`
 * (`npm run demo:tamper`) and `run-demo-system.ts` (one business system's process).
 */
export {
  DEMO_AUTHORITY_PREFIX,
  DEMO_TARIFF,
  startDemoNetwork,
  type DemoNetwork,
  type DemoNetworkOptions,
} from './network/demo-network.js';
export {
  startDemoSystems,
  type AnchoringCredentials,
  type DemoSystemEndpoint,
  type DemoSystems,
  type DemoSystemsOptions,
} from './network/system-processes.js';
export { nodeEntry, type NodeEntry } from './network/node-entry.js';
export { startServedDemo, type ServedDemo } from './network/served-demo.js';
export { DEMO_APPLICATION, DEMO_OPENING_BALANCE_FEN } from './network/demo-application.js';
export { seedDemoData } from './data-directory/demo-data.js';
export {
  BILLING_FILE,
  DATA_MANIFEST_FILE,
  LEDGER_FILE,
  OUTBOX_FILE,
  REGISTRY_FILE,
} from './data-directory/demo-data-files.js';
export {
  confirmReseed,
  holdsDemoData,
  reseedDemoData,
  type ConfirmationTerminal,
  type Reseeded,
} from './data-directory/demo-reseed.js';
export { DEMO_SYSTEMS, demoSystem, type DemoSystem } from './systems/demo-systems.js';
export {
  listIdentifierHoldings,
  openSystemDatabase,
  type IdentifierHolding,
  type SqliteDatabase,
} from './systems/sqlite-store.js';
export {
  buildPlant,
  DEMO_PREFIXES,
  type DeviceKind,
  type Plant,
  type PlantDevice,
  type PlantOptions,
} from './plant/plant-model.js';
export { createRandom, type Random } from './plant/random.js';
