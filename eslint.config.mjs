// Lint for the whole monorepo. Besides code style, it checks the layering so the architecture cannot
// rot silently: see the "layering" blocks below and docs/architecture.md.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...new Set(builtinModules.flatMap(m => [m, `node:${m}`, `${m}/*`, `node:${m}/*`]))];
const domGlobals = ['window', 'document', 'navigator', 'localStorage', 'sessionStorage', 'HTMLElement', 'location'];
const nodeGlobals = ['process', 'Buffer', '__dirname', '__filename', 'require', 'global'];

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/dist/**', 'artifacts/**', 'data/**', 'coverage/**', '**/*.d.ts', 'packages/app/dist/**', 'examples/templates/*/skeleton/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'warn',
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-empty-object-type': 'off',
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    // Plain JS scripts and configs are CommonJS/ESM node scripts.
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    languageOptions: {
      globals: Object.fromEntries([...nodeGlobals, 'console', 'module', 'exports', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'URL', 'fetch', 'AbortController', 'performance', 'structuredClone'].map(g => [g, 'readonly'])),
    },
    rules: { 'no-undef': 'error' },
  },
  // ---- layering ----
  {
    // The plugin API is what authors import; it must never depend on the host that implements it.
    files: ['packages/backend-plugin-api/src/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@portico/backend', '@portico/backend/*', '**/backend/src/**'], message: 'backend-plugin-api must not import the host (@portico/backend).' }] }],
    },
  },
  {
    // A plugin reaches another plugin only through its -common or -node package (types, extension
    // points, service refs), never through its backend or frontend package or a relative path into it.
    files: ['plugins/*/src/**', 'examples/plugins/*/src/**'],
    ignores: ['plugins/*/src/**/*.test.ts', 'plugins/*/src/**/*.test.tsx', 'plugins/*/src/**/__testUtils__/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { regex: '^@portico/plugin-[a-z0-9-]+(?<!-common)(?<!-node)(?<!-react)(/.*)?$', message: 'Reach other plugins only through their -common, -node or -react package, an extension point or a service ref.' },
          { group: ['../../*/src/**', '../../../plugins/**', '../../../packages/**'], message: 'Do not reach into another package by relative path; import it by name.' },
        ],
      }],
    },
  },
  {
    // Isomorphic packages run in the browser and in node: neither node built-ins nor the DOM.
    files: ['packages/catalog-model/src/**', 'packages/errors/src/**', 'plugins/*-common/src/**'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: nodeBuiltins.filter(m => !m.includes('*')).map(name => ({ name, message: 'Isomorphic packages must not import node built-ins.' })), patterns: [{ group: ['node:*'], message: 'Isomorphic packages must not import node built-ins.' }] }],
      'no-restricted-globals': ['error', ...[...domGlobals, ...nodeGlobals].map(name => ({ name, message: 'Isomorphic packages use neither the DOM nor node globals.' }))],
    },
  },
);
