/**
 * `npm run demo:tamper -- <identifier> [--data-dir data/demo]`: edits the demo asset register's
 * database behind its system's back, flipping the device's asset status (in service <-> scrapped),
 * the way a careless script or an insider might. The next query for `assetStatus` of that device
 * through the gateway reports TAMPERED: the value no longer matches the hash the asset system
 * anchored on the ledger.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { GridmarkError, parseIdentifier } from '../../schema/index.js';
import { openSystemDatabase } from './systems/sqlite-store.js';

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { 'data-dir': { type: 'string', default: 'data/demo' } },
  });
  const identifier = positionals[0];
  if (positionals.length !== 1 || identifier === undefined)
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      'usage: npm run demo:tamper -- <device identifier>',
    );
  parseIdentifier(identifier);
  const db = openSystemDatabase(join(values['data-dir'], 'asset.db'));
  try {
    const row = db
      .prepare(
        'SELECT a.asset_code, a.status FROM device_identifiers i JOIN assets a ON a.asset_code = i.local_code WHERE i.identifier = ?',
      )
      .get(identifier) as { asset_code: string; status: string } | undefined;
    if (!row)
      throw new GridmarkError('UNKNOWN_IDENTIFIER', `the asset register holds no ${identifier}`);
    const next = row.status === 'IN_SERVICE' ? 'SCRAPPED' : 'IN_SERVICE';
    db.prepare('UPDATE assets SET status = ? WHERE asset_code = ?').run(next, row.asset_code);
    process.stdout.write(
      `asset register: ${identifier} (${row.asset_code}) assetStatus ${row.status} -> ${next}, written straight into the database.\n`,
    );
  } finally {
    db.close();
  }
}

try {
  main();
} catch (error) {
  process.stderr.write(
    `demo:tamper: ${error instanceof GridmarkError ? `${error.code}: ` : ''}${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exitCode = error instanceof GridmarkError ? error.exitCode : 1;
}
