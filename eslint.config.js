// Lint rules: the recommended TypeScript set, type-aware, plus a few that keep the code honest.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { frontDoorPlugin } from './scripts/lint/front-door-rule.js';

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'dist/**', 'coverage/**', 'scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      'no-console': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Rooms and their front doors (docs/architecture.md): code outside a folder that has an
    // index.ts imports only that index.ts. Public doors besides the top-level ones: the package's
    // other entry points and the test support.
    files: ['**/*.ts'],
    plugins: { gridmark: frontDoorPlugin },
    rules: {
      'gridmark/front-door': [
        'error',
        {
          root: import.meta.dirname,
          publicRooms: [
            'gateway/testing',
            'ledger-adapter/fabric',
            'ledger-adapter/testing',
            'schema/testing',
          ],
        },
      ],
    },
  },
  {
    // One screen per function: a longer one is telling where it splits.
    files: ['**/*.ts'],
    ignores: ['**/*.test.ts', 'test/**'],
    rules: {
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ['eslint.config.js', 'scripts/gridmark-bin.js', 'scripts/lint/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
