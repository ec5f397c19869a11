import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * A process's resident set size in bytes: `VmRSS` of `/proc/<pid>/status`, or `ps -o rss=` where
 * there is no `/proc`; undefined once the process is gone.
 */
export function residentBytes(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
    return match?.[1] === undefined ? undefined : Number(match[1]) * 1024;
  } catch {
    return residentBytesFromPs(pid);
  }
}

function residentBytesFromPs(pid: number): number | undefined {
  try {
    const kb = Number(
      execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], {
        encoding: 'utf8',
        timeout: 5_000,
      }).trim(),
    );
    return Number.isFinite(kb) && kb > 0 ? kb * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** A child process: its id and its command line's arguments. */
export interface ChildProcessInfo {
  readonly pid: number;
  readonly argv: readonly string[];
}

/**
 * The processes whose parent is `pid`, read from `/proc/<n>/stat` (field 4) and
 * `/proc/<n>/cmdline`; empty where there is no `/proc`.
 */
export function childProcesses(pid: number): ChildProcessInfo[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  const children: ChildProcessInfo[] = [];
  for (const name of entries) {
    try {
      // The command name (field 2) may hold spaces and parentheses; the fields after its last ')' do not.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent !== pid) continue;
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8')
        .split('\0')
        .filter((a) => a !== '');
      children.push({ pid: Number(name), argv });
    } catch {
      // The process ended while the list was read.
    }
  }
  return children;
}
