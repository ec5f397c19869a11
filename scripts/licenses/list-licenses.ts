/**
 * `npm run licenses`: every package gridmark needs at run time with its version and licence,
 * from the installed tree. `-- --write` rewrites docs/licenses.md, the committed list;
 * `-- --check` compares the tree with it and exits 1 when they differ.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  LICENSE_LIST_PATH,
  compareLicenseLists,
  countByLicense,
  describeChanges,
  isUnchanged,
  listRuntimePackages,
  parseLicenseList,
  renderLicenseList,
} from './runtime-licenses.js';

const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');

async function main(args: readonly string[]): Promise<number> {
  const packages = await listRuntimePackages(ROOT);
  const listFile = join(ROOT, LICENSE_LIST_PATH);
  if (args.includes('--write')) {
    writeFileSync(listFile, renderLicenseList(packages));
    process.stdout.write(`wrote ${LICENSE_LIST_PATH}: ${packages.length} packages\n`);
    return 0;
  }
  if (args.includes('--check')) {
    const changes = compareLicenseLists(parseLicenseList(readFileSync(listFile, 'utf8')), packages);
    if (isUnchanged(changes)) {
      process.stdout.write(`${LICENSE_LIST_PATH} lists the ${packages.length} runtime packages\n`);
      return 0;
    }
    process.stderr.write(`${describeChanges(changes)}\n`);
    return 1;
  }
  const width = Math.max(...packages.map((p) => `${p.name}@${p.version}`.length));
  for (const p of packages)
    process.stdout.write(`${`${p.name}@${p.version}`.padEnd(width)}  ${p.license}\n`);
  process.stdout.write(`\n${packages.length} runtime packages: `);
  process.stdout.write(
    `${countByLicense(packages)
      .map(([license, count]) => `${count} ${license}`)
      .join(', ')}\n`,
  );
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`licenses: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
