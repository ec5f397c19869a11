#!/usr/bin/env node
// The installed `gridmark` binary. The published package runs its compiled CLI,
// dist/scripts/gridmark.js, on plain Node. In a source checkout that has not been built
// (`npm run build`), it runs the TypeScript sources through tsx, a development dependency.
import { existsSync } from 'node:fs';
import process from 'node:process';
import { URL } from 'node:url';

const compiled = new URL('../dist/scripts/gridmark.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    process.stderr.write(
      'gridmark: INTERNAL_ERROR: dist/scripts/gridmark.js is missing: run `npm run build` first.\n',
    );
    process.exit(1);
  }
  register();
  await import('./gridmark.ts');
}
