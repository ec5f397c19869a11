import {
  checkpointProblem,
  DEFAULT_EMBEDDED_LEDGER_PATH,
  inspectLedgerFile,
  NODE_KEY_ENV,
  signFileCheckpoint,
  verifyLedgerFile,
  displayKey,
  type LedgerCheckpoint,
  type ChainReport,
  type InspectedBlock,
} from '../../../ledger-adapter/index.js';
import { GridmarkError } from '../../../schema/index.js';
import { parseCommandArgs } from '../cli-options.js';
import type { CliCommand, CliIo } from '../command.js';
import {
  HeadWatch,
  expectationProblems,
  readExpectations,
  type LedgerExpectations,
} from './ledger-expectations.js';

const PATH_OPTION = { path: { type: 'string', default: DEFAULT_EMBEDDED_LEDGER_PATH } } as const;
const NODE_KEY_OPTION = { 'node-key': { type: 'string' } } as const;

/** The node key file named by `--node-key`, else by GRIDMARK_NODE_KEY; undefined lets the ledger's own rule find it. */
function nodeKeyOption(values: { readonly 'node-key'?: string | undefined }): {
  nodeKeyPath?: string;
} {
  const path = values['node-key'] ?? process.env[NODE_KEY_ENV];
  return path === undefined || path === '' ? {} : { nodeKeyPath: path };
}

const ledgerVerify: CliCommand = {
  path: ['ledger', 'verify'],
  summary:
    'check an embedded ledger file: hashes, links, signatures, replayed state; print its head; names the first edited block',
  usage:
    `gridmark ledger verify [--path file] [--no-reexecute] [--node-key file] [--archive file]... [--expect-head <height>:<hash> | <hash>] [--expect-key <fingerprint> | <key file>] [--checkpoint file]\n` +
    `  --path          the ledger file (default ${DEFAULT_EMBEDDED_LEDGER_PATH})\n` +
    '  --archive       of a pruned ledger, the archives it was pruned on, oldest first (gridmark ledger prune)\n' +
    `  --no-reexecute  replay the recorded write sets without running the contract again (faster)\n` +
    `  --node-key      the node key file block 0's key is compared with (default: ${NODE_KEY_ENV}, else where the ledger finds it)\n` +
    '  --expect-head   a head kept elsewhere (from an earlier run or `gridmark ledger checkpoint`): the chain must hold that block\n' +
    '  --expect-key    the fingerprint (sha256:...) of the key that must sign the chain, or a PEM file of that key\n' +
    '  --checkpoint    a signed checkpoint (JSON) whose head and key the chain must hold\n' +
    '  Exit 0 when it verifies and holds what it is expected to, 8 otherwise.',
  async run(args, io) {
    const options = {
      ...PATH_OPTION,
      ...NODE_KEY_OPTION,
      'no-reexecute': { type: 'boolean', default: false },
      archive: { type: 'string', multiple: true },
      'expect-head': { type: 'string' },
      'expect-key': { type: 'string' },
      checkpoint: { type: 'string' },
    } as const;
    const { values } = parseCommandArgs(args, options);
    const path = values.path;
    const expectations = readExpectations(values);
    const watch = new HeadWatch(expectations.head?.expected);
    const report = await verifyLedgerFile(path, {
      reexecute: !values['no-reexecute'],
      ...nodeKeyOption(values),
      archives: values.archive ?? [],
      onBlock: watch.onBlock,
    });
    if (!report.ok) throw notVerified(path, report);
    const keyNote = report.keyFileChecked
      ? `block 0's key is the node key file's, ${report.keyFile}`
      : `no node key file at ${report.keyFile}: signatures checked against the key in block 0 only`;
    io.out(
      `${path}: OK, ${report.blocks} blocks, ${report.transactions} transactions, ${report.stateKeys} state keys; every hash, link and signature checks, the replayed state matches (${keyNote})\n`,
    );
    io.out(
      `  head  height ${report.head.height} (block ${report.head.height - 1})  ${report.head.hash}\n  key   ${report.head.keyId}\n  state ${report.stateDigest}\n`,
    );
    if (report.base)
      io.out(
        `  pruned on ${report.base.prunedAt}: blocks 1 to ${report.base.height - 1} verified in the archive\n`,
      );
    const problems = expectationProblems(expectations, watch.chain(report.head));
    if (problems.length > 0) {
      throw new GridmarkError(
        'LEDGER_HEAD_MISMATCH',
        `${path} does not hold what it is expected to: ${problems.join('; ')}.`,
        {
          details: {
            path,
            height: report.head.height,
            head: report.head.hash,
            keyId: report.head.keyId,
          },
        },
      );
    }
    printMet(expectations, watch, report.head.height, io);
  },
};

function notVerified(path: string, report: Extract<ChainReport, { ok: false }>): GridmarkError {
  const where =
    report.firstBadBlock === null ? 'in the world state' : `at block ${report.firstBadBlock}`;
  // A file SQLite cannot read is damage (a lost or overwritten page, a dropped table), whoever did it: exit 8 as for an edit.
  const what = report.damaged ? 'is damaged' : `was edited ${where}`;
  return new GridmarkError(
    'LEDGER_TAMPERED',
    `${path} ${what}: ${report.problem} (${report.blocks} block(s) before it verified).`,
    {
      details: {
        path,
        block: report.firstBadBlock,
        problem: report.problem,
        damaged: report.damaged,
      },
    },
  );
}

function printMet(
  expectations: LedgerExpectations,
  watch: HeadWatch,
  height: number,
  io: CliIo,
): void {
  if (expectations.head) {
    const number =
      expectations.head.expected.height === undefined
        ? (watch.foundAt ?? 0)
        : expectations.head.expected.height - 1;
    const behind = height - 1 - number;
    io.out(
      `  holds the expected head (${expectations.head.label}): block ${number}, ${behind === 0 ? 'the head' : `${behind} block(s) behind the head`}\n`,
    );
  }
  if (expectations.keyId) io.out(`  signed by the expected key (${expectations.keyId.label})\n`);
}

const ledgerCheckpoint: CliCommand = {
  path: ['ledger', 'checkpoint'],
  summary:
    "print a signed checkpoint of the ledger's head (height, hash, key) as JSON, for a witness to keep",
  usage:
    `gridmark ledger checkpoint [--path file] [--node-key file] | --witness <billing book or registry file>\n` +
    `  (default)  signs the head of the ledger file now, with its node key (${NODE_KEY_ENV} or --node-key if it is elsewhere);\n` +
    "             the key must be block 0's and the last block must check; the rest is gridmark ledger verify's job\n" +
    '  --witness  prints the latest checkpoint the gateway published to that billing book or registry (no key needed)\n' +
    '  Keep the output outside this machine; gridmark ledger verify --checkpoint <file> checks the ledger against it.',
  async run(args, io) {
    const { values } = parseCommandArgs(args, {
      ...PATH_OPTION,
      ...NODE_KEY_OPTION,
      witness: { type: 'string' },
    });
    const checkpoint =
      values.witness === undefined
        ? signFileCheckpoint(values.path, nodeKeyOption(values).nodeKeyPath)
        : await witnessedCheckpoint(values.witness);
    io.out(`${JSON.stringify(checkpoint, null, 2)}\n`);
  },
};

async function witnessedCheckpoint(file: string): Promise<LedgerCheckpoint> {
  // The gateway is loaded only by the commands that need it: every other command starts light.
  const { latestCheckpointInFile } = await import('../../../gateway/index.js');
  const kept = latestCheckpointInFile(file);
  if (kept === undefined)
    throw new GridmarkError('BAD_CONFIGURATION', `${file} keeps no checkpoint of the ledger yet.`);
  const problem = checkpointProblem(kept);
  if (problem !== undefined)
    throw new GridmarkError(
      'LEDGER_HEAD_MISMATCH',
      `The checkpoint kept in ${file} is not valid: ${problem}.`,
    );
  return kept as LedgerCheckpoint;
}

const ledgerShow: CliCommand = {
  path: ['ledger', 'show'],
  summary: "print the blocks, a block's transactions, or state keys of an embedded ledger file",
  usage:
    `gridmark ledger show [--path file] [--block N] [--keys prefix] [--limit N]\n` +
    `  (no option)    the chain's height and its last blocks\n` +
    `  --block N      block N: header, transactions with their reads, writes and event\n` +
    `  --keys prefix  state keys starting with prefix, e.g. "anchor | 88.1001.1/PVI-000001" or "rule"`,
  run(args, io) {
    const { values } = parseCommandArgs(args, {
      ...PATH_OPTION,
      block: { type: 'string' },
      keys: { type: 'string' },
      limit: { type: 'string', default: '20' },
    });
    const limit = Number(values.limit);
    if (!Number.isSafeInteger(limit) || limit < 1)
      throw new GridmarkError('BAD_CONFIGURATION', '--limit must be a positive integer.');
    const inspector = inspectLedgerFile(values.path);
    try {
      if (values.block !== undefined) {
        const number = Number(values.block);
        if (!/^\d+$/.test(values.block) || !Number.isSafeInteger(number))
          throw new GridmarkError('BAD_CONFIGURATION', '--block must be a block number.');
        const block = inspector.block(number);
        if (!block)
          throw new GridmarkError(
            'BAD_CONFIGURATION',
            `${values.path} has no block ${number} (height ${inspector.height}).`,
          );
        printBlock(block, io);
      } else if (values.keys !== undefined) {
        const entries = inspector.state(values.keys, limit);
        for (const e of entries)
          io.out(`${e.key}  @${e.blockNumber}:${e.txNumber}\n  ${clip(e.value, 400)}\n`);
        io.out(
          `${entries.length} key(s)${entries.length === limit ? ` (first ${limit}; --limit for more)` : ''}\n`,
        );
      } else {
        io.out(`${values.path}: ${inspector.height} blocks\n`);
        const from = Math.max(0, inspector.height - limit);
        for (const block of inspector.blocks(from, limit)) {
          const events = block.data.transactions.filter((t) => t.event).length;
          io.out(
            `  #${block.number}  ${block.timestamp}  ${block.data.transactions.length} tx  ${events} event(s)  ${block.hash.slice(0, 16)}…${block.data.genesis ? '  genesis' : ''}\n`,
          );
        }
      }
    } finally {
      inspector.close();
    }
    return Promise.resolve();
  },
};

function printBlock(block: InspectedBlock, io: CliIo): void {
  io.out(
    `block ${block.number}\n  time      ${block.timestamp}\n  hash      ${block.hash}\n  previous  ${block.previousHash}\n  data hash ${block.dataHash}\n  signature ${block.signature}\n`,
  );
  if (block.data.genesis)
    io.out(
      `  genesis   node ${block.data.genesis.mspId}, format ${block.data.genesis.format}\n${block.data.genesis.publicKey}`,
    );
  for (const [i, tx] of block.data.transactions.entries()) {
    io.out(
      `  tx ${i} ${tx.transaction}  ${tx.txId}\n    by ${tx.creator.mspId} at ${tx.timestamp}\n    args   ${clip(tx.args.join(' '), 200)}\n`,
    );
    io.out(`    reads  ${tx.reads.length}, writes ${tx.writes.length}\n`);
    for (const [key] of tx.writes.slice(0, 10)) io.out(`      ${displayKey(key)}\n`);
    if (tx.writes.length > 10) io.out(`      … ${tx.writes.length - 10} more\n`);
    if (tx.event)
      io.out(
        `    event  ${tx.event.name} ${clip(Buffer.from(tx.event.payload, 'base64').toString('utf8'), 200)}\n`,
      );
  }
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** `gridmark ledger verify`, `gridmark ledger checkpoint` and `gridmark ledger show`. */
export const commands: readonly CliCommand[] = [ledgerVerify, ledgerCheckpoint, ledgerShow];
