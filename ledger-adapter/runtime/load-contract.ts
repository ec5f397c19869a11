/**
 * Loads the contract class for in-process use. fabric-contract-api is written for a chaincode
 * process: on load it logs every decorator at info level to standard output and installs
 * process-wide `uncaughtException` and `unhandledRejection` handlers that log and swallow errors.
 * Inside a gateway or a CLI neither is acceptable, so this module quiets its logging while it
 * loads and removes the two handlers it installed. The chaincode package does not go through
 * here; on a peer the library behaves as Fabric expects.
 */
import { importChaincode } from '../contract/index.js';

const LEVEL_VARIABLE = 'CORE_CHAINCODE_LOGGING_LEVEL';
const previousLevel = process.env[LEVEL_VARIABLE];
process.env[LEVEL_VARIABLE] = previousLevel ?? 'ERROR';
const contractModule = await importChaincode();
if (previousLevel === undefined) delete process.env[LEVEL_VARIABLE];
else process.env[LEVEL_VARIABLE] = previousLevel;

// The names fabric-contract-api's logger and winston give the handlers they install.
const INSTALLED_HANDLERS = new Set(['loggerUnhandledRejectionFn', 'bound _uncaughtException']);
for (const listener of process.listeners('uncaughtException')) {
  if (INSTALLED_HANDLERS.has(listener.name)) process.removeListener('uncaughtException', listener);
}
for (const listener of process.listeners('unhandledRejection')) {
  if (INSTALLED_HANDLERS.has(listener.name)) process.removeListener('unhandledRejection', listener);
}

/** The contract class, loaded quietly. */
export const GridmarkContract = contractModule.GridmarkContract;
