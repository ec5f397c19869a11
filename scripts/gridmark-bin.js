#!/usr/bin/env node
// The installed `gridmark` binary: registers the TypeScript loader, then runs the CLI.
import { register } from 'tsx/esm/api';

register();
await import('./gridmark.ts');
