#!/usr/bin/env node
// The installed `gridmark` binary: the compiled CLI when `npm run build` has made one (plain
// Node), else the sources through the TypeScript loader.
import { existsSync } from 'node:fs';
import { URL } from 'node:url';

const compiled = new URL('../dist/scripts/gridmark.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./gridmark.ts');
}
