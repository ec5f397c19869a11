import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frontDoorPlugin } from './front-door-rule.js';

// A small tree: two top-level rooms, each with nested rooms, one folder without a door, and a
// public test-support room.
const FILES = [
  'gateway/index.ts',
  'gateway/create.ts',
  'gateway/billing/index.ts',
  'gateway/billing/store.ts',
  'gateway/billing/sqlite/book.ts',
  'gateway/registry/index.ts',
  'gateway/registry/service.ts',
  'gateway/plain/helper.ts',
  'ledger/index.ts',
  'ledger/contract/index.ts',
  'ledger/contract/records.ts',
  'ledger/testing/index.ts',
  'scripts/cli.ts',
];

let root: string;

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'front-door-'));
  for (const file of FILES) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), '');
  }
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The front-door messages for one import written in `from`. */
function lint(from: string, code: string): string[] {
  const linter = new Linter({ configType: 'flat', cwd: root });
  const messages = linter.verify(
    code,
    [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tseslint.parser },
        plugins: { gridmark: frontDoorPlugin },
        rules: { 'gridmark/front-door': ['error', { root, publicRooms: ['ledger/testing'] }] },
      },
    ],
    { filename: path.join(root, from) },
  );
  return messages.map((message) => message.message);
}

describe('the front-door rule', () => {
  it('lets a file reach the other files of its own room', () => {
    expect(lint('gateway/billing/store.ts', "import { a } from './sqlite/book.js';")).toEqual([]);
    expect(lint('gateway/create.ts', "import { a } from './plain/helper.js';")).toEqual([]);
  });

  it('lets a room reach a nested room through its door', () => {
    expect(lint('gateway/create.ts', "import { a } from './billing/index.js';")).toEqual([]);
  });

  it("refuses an import of a nested room's internals and names the door to use", () => {
    expect(lint('gateway/create.ts', "import { a } from './billing/store.js';")).toEqual([
      "'./billing/store.js' reaches past the front door of gateway/billing/: import './billing/index.js'",
    ]);
  });

  it("refuses a sibling room's internals, also in a re-export or a dynamic import", () => {
    const from = 'gateway/registry/service.ts';
    expect(lint(from, "export { a } from '../billing/sqlite/book.js';")).toHaveLength(1);
    expect(lint(from, "export * from '../billing/store.js';")).toHaveLength(1);
    expect(lint(from, "const m = await import('../billing/store.js');")).toHaveLength(1);
    expect(lint(from, "import type { A } from '../billing/index.js';")).toEqual([]);
  });

  it("from outside a top-level room, refuses even a nested room's door", () => {
    expect(lint('scripts/cli.ts', "import { a } from '../gateway/billing/index.js';")).toEqual([
      "'../gateway/billing/index.js' reaches past the front door of gateway/: import '../gateway/index.js'",
    ]);
    expect(lint('scripts/cli.ts', "import { a } from '../gateway/index.js';")).toEqual([]);
    expect(lint('gateway/create.ts', "import { a } from '../ledger/contract/records.js';")).toEqual(
      [
        "'../ledger/contract/records.js' reaches past the front door of ledger/: import '../ledger/index.js'",
      ],
    );
  });

  it('lets anyone reach a door named public', () => {
    expect(lint('gateway/create.ts', "import { a } from '../ledger/testing/index.js';")).toEqual(
      [],
    );
  });

  it('leaves package imports alone', () => {
    expect(lint('gateway/create.ts', "import { parse } from 'graphql';")).toEqual([]);
  });
});
