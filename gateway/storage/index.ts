/**
 * What the gateway's SQLite stores (the registry's and the billing book's) share: migrations, and
 * the ledger checkpoints they witness. Imports only the ledger adapter's and the schema's doors.
 */
export { applySqliteMigrations, type SqliteMigration } from './sqlite-migrations.js';
export {
  latestCheckpointInFile,
  sqliteCheckpointWitness,
  LEDGER_CHECKPOINTS_SQL,
} from './sqlite-checkpoint-witness.js';
