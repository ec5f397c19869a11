import {
  DEFAULT_EMBEDDED_LEDGER_PATH,
  archiveLedger,
  NODE_KEY_ENV,
  pruneLedger,
} from '../../../ledger-adapter/index.js';
import { GridmarkError } from '../../../schema/index.js';
import { parseCommandArgs, required } from '../cli-options.js';
import type { CliCommand } from '../command.js';

const OPTIONS = {
  path: { type: 'string', default: DEFAULT_EMBEDDED_LEDGER_PATH },
  'node-key': { type: 'string' },
  archive: { type: 'string', multiple: true },
} as const;

/** The options both commands hand to the ledger: the node key file and the earlier archives. */
function archiveOptions(
  values: {
    readonly 'node-key'?: string | undefined;
    readonly archive?: readonly string[] | undefined;
  },
  earlier: readonly string[],
): { nodeKeyPath?: string; archives: readonly string[] } {
  const nodeKeyPath = values['node-key'] ?? process.env[NODE_KEY_ENV];
  return {
    ...(nodeKeyPath === undefined || nodeKeyPath === '' ? {} : { nodeKeyPath }),
    archives: earlier,
  };
}

const ledgerArchive: CliCommand = {
  path: ['ledger', 'archive'],
  summary:
    'copy an embedded ledger file at its head to a new archive file and verify the copy (the ledger may be running)',
  usage:
    `gridmark ledger archive [--path file] --to <new file> [--archive earlier]... [--node-key file]\n` +
    `  --path     the ledger file (default ${DEFAULT_EMBEDDED_LEDGER_PATH})\n` +
    '  --to       the archive to write: a new file, never one that exists\n' +
    '  --archive  the archives the ledger was pruned on before, oldest first (the new archive verifies on them)\n' +
    "  Prints the archive's head and state digest; keep them with the archive. Exit 8 when the copy does not verify.",
  async run(args, io) {
    const { values } = parseCommandArgs(args, { ...OPTIONS, to: { type: 'string' } });
    const report = await archiveLedger(
      values.path,
      required(values.to, 'to'),
      archiveOptions(values, values.archive ?? []),
    );
    io.out(
      `${report.path}: archive of ${values.path} at height ${report.head.height} (block ${report.head.height - 1}), verified\n`,
    );
    io.out(
      `  head   ${report.head.hash}\n  key    ${report.head.keyId}\n  state  ${report.stateDigest}\n`,
    );
  },
};

const ledgerPrune: CliCommand = {
  path: ['ledger', 'prune'],
  summary:
    'remove from a stopped embedded ledger the blocks an archive holds, after verifying the archive',
  usage:
    `gridmark ledger prune [--path file] --archive <file> [--archive ...] [--node-key file]\n` +
    `  --path     the ledger file (default ${DEFAULT_EMBEDDED_LEDGER_PATH}); the gateway must be stopped\n` +
    '  --archive  the archive to prune to (last), after the archives it was itself pruned on (oldest first)\n' +
    "  Keeps block 0 and every block after the archive's head; gridmark ledger verify then needs the same --archive list.",
  async run(args, io) {
    const { values } = parseCommandArgs(args, OPTIONS);
    const archives = values.archive ?? [];
    const archive = archives.at(-1);
    if (archive === undefined)
      throw new GridmarkError('BAD_CONFIGURATION', '--archive is required.');
    const pruned = await pruneLedger(
      values.path,
      archive,
      archiveOptions(values, archives.slice(0, -1)),
    );
    io.out(
      `${values.path}: removed ${pruned.prunedBlocks} block(s), 1 to ${pruned.height - 1}, held by ${archive}\n`,
    );
    io.out(
      `  the chain goes on at block ${pruned.height} from ${pruned.headHash}\n  state  ${pruned.stateDigest}\n`,
    );
    io.out(
      `  verify with: gridmark ledger verify --path ${values.path} ${archives.map((a) => `--archive ${a}`).join(' ')}\n`,
    );
  },
};

/** `gridmark ledger archive` and `gridmark ledger prune`. */
export const commands: readonly CliCommand[] = [ledgerArchive, ledgerPrune];
