/**
 * `npm run seed`: seeds the demo plant's databases into a new data directory. One that holds a
 * network already is moved aside whole (to `<dir>.old-<time>`), after a confirmation on the
 * terminal or with `--yes`; nothing is deleted.
 *
 *   npm run seed -- [--data-dir data/demo] [--yes]
 */
import { parseArgs } from 'node:util';
import { GridmarkError } from '../../schema/index.js';
import { confirmReseed, holdsDemoData, reseedDemoData } from './data-directory/demo-reseed.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string', default: 'data/demo' },
      yes: { type: 'boolean', default: false },
    },
  });
  const dataDir = values['data-dir'];
  if (holdsDemoData(dataDir)) await confirmReseed(dataDir, { yes: values.yes });
  const started = Date.now();
  const { devices, keyDevices, movedTo } = reseedDemoData(dataDir);
  if (movedTo) process.stdout.write(`Moved the previous demo network aside to ${movedTo}.\n`);
  process.stdout.write(
    `Seeded ${devices} devices (${keyDevices} held by two or more systems) into ${dataDir} in ${Date.now() - started} ms.\n`,
  );
}

main().catch((error: unknown) => {
  const named =
    error instanceof GridmarkError
      ? `${error.code}: ${error.message}`
      : error instanceof Error
        ? error.message
        : String(error);
  process.stderr.write(`seed failed: ${named}\n`);
  process.exitCode = error instanceof GridmarkError ? error.exitCode : 1;
});
