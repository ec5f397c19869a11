/**
 * Writes the protocol's test vectors to schema/protocol/vectors/ (`npm run vectors`). The same
 * keys and time each run, so the files change only when the protocol's code does.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VECTORS_DIRECTORY, protocolVectorFiles } from './protocol-vectors.js';

function main(): void {
  for (const [name, text] of Object.entries(protocolVectorFiles())) {
    writeFileSync(join(VECTORS_DIRECTORY, name), text);
    process.stdout.write(`wrote ${join('schema/protocol/vectors', name)}\n`);
  }
}

try {
  main();
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
