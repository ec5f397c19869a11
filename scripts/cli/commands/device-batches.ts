import { GridmarkError } from '../../../schema/index.js';
import type { CliIo } from '../command.js';
import type { DeviceFileRow } from '../device-file.js';

/** Sends one batch of rows, as a check only (`dryRun`) or for real. */
export type BatchSender = (
  batch: readonly DeviceFileRow[],
  dryRun: boolean,
) => Promise<{ registered: number; unchanged: number }>;

/** A refusal of a batch, re-numbered with the file's own row (the server numbers rows within the batch). */
function fileRowError(error: unknown, batch: readonly DeviceFileRow[], context: string): unknown {
  if (!(error instanceof GridmarkError) || typeof error.details['row'] !== 'number') return error;
  const fileRow = batch[error.details['row'] - 1]?.row;
  return new GridmarkError(
    error.code,
    `${error.message.replace(/^row \d+: /, '')} (file row ${fileRow ?? '?'}; ${context})`,
    { details: { ...error.details, row: fileRow }, cause: error },
  );
}

/**
 * Sends rows in batches, one transaction each, with progress on stderr: first every batch as a
 * check (`dryRun`: the registry runs all its checks against what it holds and writes nothing),
 * then, when the whole file passed, every batch for real. A bad row anywhere in the file is
 * reported before anything is written.
 */
export async function sendBatches(
  io: CliIo,
  rows: readonly DeviceFileRow[],
  batchSize: number,
  send: BatchSender,
): Promise<void> {
  const started = Date.now();
  for (let i = 0; i < rows.length; i += batchSize) {
    const batch = rows.slice(i, i + batchSize);
    await send(batch, true).catch((error: unknown) => {
      throw fileRowError(error, batch, 'nothing of the file was written');
    });
    io.err(`  checked ${Math.min(i + batchSize, rows.length)}/${rows.length} rows\n`);
  }
  let registered = 0;
  let unchanged = 0;
  for (let i = 0; i < rows.length; i += batchSize) {
    const batch = rows.slice(i, i + batchSize);
    // The file passed its check; a refusal now means the registry changed meanwhile.
    const result = await send(batch, false).catch((error: unknown) => {
      throw fileRowError(
        error,
        batch,
        `the registry changed since the file was checked; this batch was refused and nothing of it was written${i > 0 ? `; the ${i} rows before it are registered and re-sending them changes nothing` : ''}`,
      );
    });
    registered += result.registered;
    unchanged += result.unchanged;
    const done = Math.min(i + batchSize, rows.length);
    const rate = Math.round(done / Math.max((Date.now() - started) / 1000, 0.001));
    io.err(`  ${done}/${rows.length} rows (${rate} rows/s)\n`);
  }
  io.out(
    `${registered} registered, ${unchanged} already registered, ${rows.length} rows in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
}
