import { DEFAULT_OUTBOX_PATH, inspectOutboxFile } from '../../../ledger-adapter/index.js';
import { parseCommandArgs } from '../cli-options.js';
import type { CliCommand } from '../command.js';

const ledgerOutbox: CliCommand = {
  path: ['ledger', 'outbox'],
  summary:
    'show what waits in a ledger outbox file for the ledger (resolutions, trades, evidence, tamper reports) and what the ledger refused',
  usage:
    `gridmark ledger outbox [--path file] [--refused N] [--json]\n` +
    `  --path     the outbox file (default ${DEFAULT_OUTBOX_PATH}; the demo's is data/demo/ledger-outbox.db)\n` +
    '  --refused  how many of the latest refused records to list (default 20)\n' +
    '  Reads the file without changing it, also while a gateway runs. Exit 0.',
  run(args, io) {
    const { values } = parseCommandArgs(args, {
      path: { type: 'string', default: DEFAULT_OUTBOX_PATH },
      refused: { type: 'string', default: '20' },
      json: { type: 'boolean', default: false },
    });
    const report = inspectOutboxFile(values.path, {
      refused: Math.max(0, Number.parseInt(values.refused, 10) || 0),
    });
    if (values.json) {
      io.out(`${JSON.stringify(report, null, 2)}\n`);
      return Promise.resolve();
    }
    const kinds = Object.entries(report.waiting);
    const total = kinds.reduce((n, [, count]) => n + (count ?? 0), 0);
    io.out(
      `${report.path}: ${total} record(s) wait for the ledger${total > 0 ? ` (${kinds.map(([kind, n]) => `${n} ${kind}`).join(', ')}; the oldest since ${report.oldestWaitingSince ?? '?'})` : ''}; ${report.refusedCount} refused by the ledger\n`,
    );
    for (const r of report.refused) io.out(`  REFUSED ${r.at} ${r.key}: [${r.code}] ${r.reason}\n`);
    return Promise.resolve();
  },
};

/** Commands over the ledger outbox file. */
export const commands: readonly CliCommand[] = [ledgerOutbox];
