import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  LICENSE_LIST_PATH,
  compareLicenseLists,
  describeChanges,
  isUnchanged,
  listRuntimePackages,
  parseLicenseList,
  renderLicenseList,
  type RuntimePackage,
} from './runtime-licenses.js';

const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');

describe('runtime licences', () => {
  it(`lists every installed runtime package with the licence ${LICENSE_LIST_PATH} commits`, async () => {
    const installed = await listRuntimePackages(ROOT);
    const committed = parseLicenseList(readFileSync(`${ROOT}/${LICENSE_LIST_PATH}`, 'utf8'));
    const changes = compareLicenseLists(committed, installed);
    expect(isUnchanged(changes), describeChanges(changes)).toBe(true);
    const byName = new Map(installed.map((p) => [p.name, p]));
    expect(byName.get('@apollo/gateway')?.license).toBe('Elastic-2.0');
    expect(byName.get('@apollo/composition')?.license).toBe('Elastic-2.0');
    expect(byName.get('graphql')?.license).toBe('MIT');
    // Development tools are not what an operator runs.
    for (const tool of ['tsx', 'vitest', 'typescript', 'eslint'])
      expect(byName.has(tool)).toBe(false);
  }, 60_000);

  it('names a changed licence, a new and a gone package, and how to regenerate the list', () => {
    const committed: RuntimePackage[] = [
      { name: 'left-pad', version: '1.3.0', license: 'WTFPL' },
      { name: 'graphql', version: '16.15.0', license: 'MIT' },
      { name: 'engine', version: '2.0.0', license: 'Apache-2.0' },
    ];
    const installed: RuntimePackage[] = [
      { name: 'graphql', version: '16.15.0', license: 'MIT' },
      { name: 'engine', version: '2.0.0', license: 'Elastic-2.0' },
      { name: 'pino', version: '10.4.0', license: 'MIT' },
    ];
    const changes = compareLicenseLists(committed, installed);
    expect(isUnchanged(changes)).toBe(false);
    const message = describeChanges(changes);
    expect(message).toContain('licence changed: engine@2.0.0 Apache-2.0 -> Elastic-2.0');
    expect(message).toContain('new: pino@10.4.0 (MIT)');
    expect(message).toContain('gone: left-pad@1.3.0 (WTFPL)');
    expect(message).toContain('npm run licenses -- --write');
    expect(isUnchanged(compareLicenseLists(installed, [...installed].reverse()))).toBe(true);
  });

  it('reads back the page it writes, licence expressions included', () => {
    const packages: RuntimePackage[] = [
      { name: '@scope/a', version: '1.0.0', license: '(MIT OR Apache-2.0)' },
      { name: 'b', version: '2.0.0-rc.1', license: 'UNKNOWN' },
      { name: 'c', version: '3.0.0', license: 'A|B' },
    ];
    expect(parseLicenseList(renderLicenseList(packages))).toEqual(packages);
  });
});
