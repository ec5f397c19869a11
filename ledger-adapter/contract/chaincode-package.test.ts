import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const HERE = fileURLToPath(new URL('./', import.meta.url));

describe('the contract as Node chaincode', () => {
  const out = mkdtempSync(join(tmpdir(), 'gridmark-chaincode-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("builds to CommonJS that Fabric's Node runtime can load, with every transaction in its metadata", () => {
    const build = spawnSync(
      process.execPath,
      [
        join(ROOT, 'node_modules/typescript/bin/tsc'),
        '-p',
        join(HERE, 'tsconfig.chaincode.json'),
        '--outDir',
        out,
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(build.stdout + build.stderr).toBe('');
    expect(build.status).toBe(0);
    copyFileSync(join(HERE, 'chaincode-package.json'), join(out, 'package.json'));
    const manifest = JSON.parse(readFileSync(join(out, 'package.json'), 'utf8')) as {
      main: string;
      scripts: { start: string };
      dependencies: Record<string, string>;
    };
    expect(manifest.scripts.start).toBe('fabric-chaincode-node start');
    expect(Object.keys(manifest.dependencies).sort()).toEqual([
      'fabric-contract-api',
      'fabric-shim',
    ]);
    // Load it as the chaincode runtime does: require() of package.json's main, then the decorators' metadata.
    const probe = `
      const { contracts } = require(${JSON.stringify(join(out, manifest.main))});
      const metadata = Reflect.getMetadata('fabric:transactions', contracts[0].prototype);
      process.stdout.write(JSON.stringify({ count: contracts.length, name: new contracts[0]().getName(), metadata }));`;
    const run = spawnSync(process.execPath, ['-e', probe], {
      encoding: 'utf8',
      env: {
        ...process.env,
        NODE_PATH: join(ROOT, 'node_modules'),
        CORE_CHAINCODE_LOGGING_LEVEL: 'ERROR',
      },
      timeout: 20_000,
    });
    expect(run.stderr).toBe('');
    const loaded = JSON.parse(run.stdout) as {
      count: number;
      name: string;
      metadata: {
        name: string;
        tag: string[];
        parameters: { name: string; schema: { type: string } }[];
      }[];
    };
    expect(loaded.count).toBe(1);
    expect(loaded.name).toBe('gridmark');
    expect(loaded.metadata).toHaveLength(15);
    for (const tx of loaded.metadata)
      expect(tx.parameters, tx.name).toEqual([
        expect.objectContaining({ name: 'argument', schema: { type: 'string' } }),
      ]);
    expect(loaded.metadata.find((t) => t.name === 'AnchorCommitments')?.tag).toContain('SUBMIT');
    expect(loaded.metadata.find((t) => t.name === 'GetAnchors')?.tag).toEqual(['EVALUATE']);
  });
});
