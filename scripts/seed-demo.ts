/**
 * `npm run seed`: (re)writes the demo plant's databases.
 *
 *   npm run seed -- [--data-dir data/demo]
 */
import { parseArgs } from 'node:util';
import { seedDemoData } from './demo-data.js';

function main(): void {
  const { values } = parseArgs({ options: { 'data-dir': { type: 'string', default: 'data/demo' } } });
  const dataDir = values['data-dir'];
  const started = Date.now();
  const { devices, keyDevices } = seedDemoData(dataDir);
  process.stdout.write(`Seeded ${devices} devices (${keyDevices} held by two or more systems) into ${dataDir} in ${Date.now() - started} ms.\n`);
}

try {
  main();
} catch (error) {
  process.stderr.write(`seed failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
