import { existsSync, readdirSync, renameSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { GridmarkError } from '../../../schema/index.js';
import { seedDemoData } from './demo-data.js';

/** True when `dataDir` exists and holds anything. */
export function holdsDemoData(dataDir: string): boolean {
  return existsSync(dataDir) && readdirSync(dataDir).length > 0;
}

/**
 * Moves a data directory aside, whole, to `<dir>.old-<UTC time>` (`-2`, `-3`... when taken), and
 * returns where it went. Nothing in it is deleted: databases, anchor journals, ledger and its
 * node key, book and registry stay together, as one consistent network.
 */
export function moveDemoDataAside(dataDir: string, now = new Date()): string {
  const from = resolve(dataDir);
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
  const base = join(dirname(from), `${basename(from)}.old-${stamp}`);
  let to = base;
  for (let n = 2; existsSync(to); n++) to = `${base}-${n}`;
  renameSync(from, to);
  return to;
}

/** Where a confirmation is asked: a terminal's input and output. */
export interface ConfirmationTerminal {
  readonly input: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  readonly output: NodeJS.WritableStream & { readonly isTTY?: boolean };
}

/**
 * Asks on a terminal whether the demo network in `dataDir` may be replaced; `yes` (the `--yes`
 * option) answers for the user. Without a terminal and without `yes` nothing is replaced: data is
 * never set aside implicitly.
 *
 * @throws GridmarkError `NOT_CONFIRMED` when not confirmed.
 */
export async function confirmReseed(
  dataDir: string,
  options: { readonly yes: boolean; readonly terminal?: ConfirmationTerminal },
): Promise<void> {
  if (options.yes) return;
  const terminal = options.terminal ?? { input: process.stdin, output: process.stdout };
  if (!terminal.input.isTTY || !terminal.output.isTTY) {
    throw new GridmarkError(
      'NOT_CONFIRMED',
      `replacing the demo network in ${dataDir} (it is moved aside, not deleted) needs a confirmation on a terminal, or --yes; ${dataDir} is unchanged.`,
    );
  }
  const prompt = createInterface({ input: terminal.input, output: terminal.output });
  try {
    const answer = await prompt.question(
      `Move the demo network in ${dataDir} aside (to ${dataDir}.old-<time>) and seed a new one? [y/N] `,
    );
    if (!/^y(es)?$/i.test(answer.trim()))
      throw new GridmarkError('NOT_CONFIRMED', `not confirmed; ${dataDir} is unchanged.`);
  } finally {
    prompt.close();
  }
}

/** What {@link reseedDemoData} did. */
export interface Reseeded {
  /** Where the previous network went; null when `dataDir` held nothing. */
  readonly movedTo: string | null;
  readonly devices: number;
  readonly keyDevices: number;
}

/**
 * Replaces the demo network in `dataDir` as a whole: whatever it holds is moved aside (see
 * {@link moveDemoDataAside}), and a new plant is seeded into the empty directory, so the systems'
 * databases, their anchor journals, the ledger, the registry and the book start together. Ask
 * first ({@link confirmReseed}).
 */
export function reseedDemoData(dataDir: string, now = new Date()): Reseeded {
  const movedTo = holdsDemoData(dataDir) ? moveDemoDataAside(dataDir, now) : null;
  return { movedTo, ...seedDemoData(dataDir, now) };
}
