/**
 * Test fixture for the crash test: opens the ledger at argv[2] and anchors large batches without
 * end, announcing each commit on standard output (synchronously, so the parent's view is never
 * behind), until it is killed.
 */
import { writeSync } from 'node:fs';
import { createEmbeddedLedger } from './embedded-ledger.js';
import { commitmentsOf, fieldsOf } from '../testing/index.js';

const path = process.argv[2] as string;
const say = (line: string): void => {
  writeSync(1, `${line}\n`);
};
const ledger = createEmbeddedLedger({
  path,
  logger: { debug: say, info: say, warn: say, error: say },
});
if (ledger.height === 1n) await ledger.submit('RegisterFields', [fieldsOf('88.1001.3', 1)]);
say('ready');
for (let round = 0; ; round++) {
  await Promise.all(
    Array.from({ length: 5 }, (_, i) =>
      ledger.submit('AnchorCommitments', [
        commitmentsOf('88.1001.3', (round % 20) * 10_000 + i * 2000, 2000, String(round % 10)),
      ]),
    ),
  );
}
