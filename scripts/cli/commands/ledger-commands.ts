import { GridmarkError } from '../../../schema/index.js';
import { DEFAULT_EMBEDDED_LEDGER_PATH } from '../../../ledger-adapter/create-ledger.js';
import { inspectLedgerFile, verifyLedgerFile, type InspectedBlock } from '../../../ledger-adapter/embedded/index.js';
import { displayKey } from '../../../ledger-adapter/runtime/index.js';
import { parseCommandArgs } from '../cli-options.js';
import type { CliCommand, CliIo } from '../command.js';

const PATH_OPTION = { path: { type: 'string', default: DEFAULT_EMBEDDED_LEDGER_PATH } } as const;

const ledgerVerify: CliCommand = {
  path: ['ledger', 'verify'],
  summary: 'check an embedded ledger file: hashes, links, signatures, replayed state; names the first edited block',
  usage: `gridmark ledger verify [--path file] [--no-reexecute]\n  --path          the ledger file (default ${DEFAULT_EMBEDDED_LEDGER_PATH})\n  --no-reexecute  replay the recorded write sets without running the contract again (faster)`,
  async run(args, io) {
    const { values } = parseCommandArgs(args, { ...PATH_OPTION, 'no-reexecute': { type: 'boolean', default: false } });
    const path = values.path;
    const report = await verifyLedgerFile(path, { reexecute: !values['no-reexecute'] });
    const keyNote = report.keyFileChecked ? 'block 0 key matches the node key file' : 'no node key file beside it: signatures checked against the key in block 0 only';
    if (!report.ok) {
      const where = report.firstBadBlock === null ? 'in the world state' : `at block ${report.firstBadBlock}`;
      throw new GridmarkError('LEDGER_TAMPERED', `${path} was edited ${where}: ${report.problem} (${report.blocks} block(s) before it verified).`, {
        details: { path, block: report.firstBadBlock, problem: report.problem },
      });
    }
    io.out(`${path}: OK, ${report.blocks} blocks, ${report.transactions} transactions, ${report.stateKeys} state keys; every hash, link and signature checks, the replayed state matches (${keyNote})\n`);
  },
};

const ledgerShow: CliCommand = {
  path: ['ledger', 'show'],
  summary: 'print the blocks, a block\'s transactions, or state keys of an embedded ledger file',
  usage:
    `gridmark ledger show [--path file] [--block N] [--keys prefix] [--limit N]\n` +
    `  (no option)    the chain's height and its last blocks\n` +
    `  --block N      block N: header, transactions with their reads, writes and event\n` +
    `  --keys prefix  state keys starting with prefix, e.g. "anchor | 88.1001.1/PVI-000001" or "rule"`,
  run(args, io) {
    const { values } = parseCommandArgs(args, { ...PATH_OPTION, block: { type: 'string' }, keys: { type: 'string' }, limit: { type: 'string', default: '20' } });
    const limit = Number(values.limit);
    if (!Number.isSafeInteger(limit) || limit < 1) throw new GridmarkError('BAD_CONFIGURATION', '--limit must be a positive integer.');
    const inspector = inspectLedgerFile(values.path);
    try {
      if (values.block !== undefined) {
        const number = Number(values.block);
        if (!/^\d+$/.test(values.block) || !Number.isSafeInteger(number)) throw new GridmarkError('BAD_CONFIGURATION', '--block must be a block number.');
        const block = inspector.block(number);
        if (!block) throw new GridmarkError('BAD_CONFIGURATION', `${values.path} has no block ${number} (height ${inspector.height}).`);
        printBlock(block, io);
      } else if (values.keys !== undefined) {
        const entries = inspector.state(values.keys, limit);
        for (const e of entries) io.out(`${e.key}  @${e.blockNumber}:${e.txNumber}\n  ${clip(e.value, 400)}\n`);
        io.out(`${entries.length} key(s)${entries.length === limit ? ` (first ${limit}; --limit for more)` : ''}\n`);
      } else {
        io.out(`${values.path}: ${inspector.height} blocks\n`);
        const from = Math.max(0, inspector.height - limit);
        for (const block of inspector.blocks(from, limit)) {
          const events = block.data.transactions.filter((t) => t.event).length;
          io.out(`  #${block.number}  ${block.timestamp}  ${block.data.transactions.length} tx  ${events} event(s)  ${block.hash.slice(0, 16)}…${block.data.genesis ? '  genesis' : ''}\n`);
        }
      }
    } finally {
      inspector.close();
    }
    return Promise.resolve();
  },
};

function printBlock(block: InspectedBlock, io: CliIo): void {
  io.out(`block ${block.number}\n  time      ${block.timestamp}\n  hash      ${block.hash}\n  previous  ${block.previousHash}\n  data hash ${block.dataHash}\n  signature ${block.signature}\n`);
  if (block.data.genesis) io.out(`  genesis   node ${block.data.genesis.mspId}, format ${block.data.genesis.format}\n${block.data.genesis.publicKey}`);
  for (const [i, tx] of block.data.transactions.entries()) {
    io.out(`  tx ${i} ${tx.transaction}  ${tx.txId}\n    by ${tx.creator.mspId} at ${tx.timestamp}\n    args   ${clip(tx.args.join(' '), 200)}\n`);
    io.out(`    reads  ${tx.reads.length}, writes ${tx.writes.length}\n`);
    for (const [key] of tx.writes.slice(0, 10)) io.out(`      ${displayKey(key)}\n`);
    if (tx.writes.length > 10) io.out(`      … ${tx.writes.length - 10} more\n`);
    if (tx.event) io.out(`    event  ${tx.event.name} ${clip(Buffer.from(tx.event.payload, 'base64').toString('utf8'), 200)}\n`);
  }
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** `gridmark ledger verify` and `gridmark ledger show`. */
export const commands: readonly CliCommand[] = [ledgerVerify, ledgerShow];
