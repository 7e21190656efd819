// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noVscode = {
  name: 'vscode',
  message: 'Only src/host/ and src/extension.ts may import vscode: core must run in the CLI and the MCP server too.',
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'out/**',
      'node_modules/**',
      '.vscode-test/**',
      '.cache/**',
      'test-results/**',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test registers tests through calls that return promises the runner itself awaits.
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['test', 'describe', 'it', 'suite', 'before', 'after', 'beforeEach', 'afterEach'],
            },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['src/core/**/*.ts', 'src/cli/**/*.ts', 'src/mcp/**/*.ts', 'webview-ui/**/*.ts', 'webview-ui/**/*.tsx'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode] }] },
  },
  {
    // The hot paths (see src/hot/cold.ts): what every tool call's hook and every `fmes lock` call load. Only
    // node:* and src/hot/ itself at run time; types from core are free (they vanish in the build); the rest
    // comes through src/hot/cold.ts. esbuild enforces the same for the hot bundles.
    files: ['src/hot/**/*.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [noVscode],
          patterns: [
            {
              group: ['zod', 'zod/*'],
              message: 'No zod in src/hot/: check by hand (see locks/lockRecord.ts) or go through src/hot/cold.ts.',
            },
            {
              group: [
                '../core/*',
                '../../core/*',
                '../../../core/*',
                '../cli/*',
                '../../cli/*',
                '../host/*',
                '../../host/*',
                '../mcp/*',
                '../../mcp/*',
                '../shared/*',
                '../../shared/*',
              ],
              allowTypeImports: true,
              message: 'src/hot/ imports only node:* and itself at run time; reach core through src/hot/cold.ts.',
            },
            {
              regex: '^(?!node:|\\.)',
              allowTypeImports: true,
              message: 'src/hot/ imports no packages: only node:* built-ins.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noVscode],
          patterns: [{ group: ['node:*'], message: 'src/shared runs in the webview too: no Node modules.' }],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
);
