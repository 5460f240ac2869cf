// Lint for the whole monorepo. Besides code style, it checks the layering so the architecture cannot
// rot silently: see the "layering" blocks below and docs/architecture.md.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules, createRequire } from 'node:module';

const { listWorkspaces } = createRequire(import.meta.url)('./scripts/workspaces.js');

const domGlobals = ['window', 'document', 'navigator', 'localStorage', 'sessionStorage', 'HTMLElement', 'Element', 'location', 'history', 'customElements', 'XMLHttpRequest', 'indexedDB', 'requestAnimationFrame', 'getComputedStyle'];
const nodeGlobals = ['process', 'Buffer', '__dirname', '__filename', 'require', 'global'];

// ---- layering ----
// What docs/architecture.md says, as one no-restricted-imports block per workspace package. The layers come from
// each package.json (scripts/workspaces.js), so a new plugin is covered without editing this file. One block per
// package because flat config replaces a rule's options when two blocks match a file: rules must be merged here.

/** Escapes a package name for a RegExp. */
const escapeRegex = s => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A pattern matching the given packages and their subpaths. */
const packagesPattern = names => `^(?:${names.map(escapeRegex).join('|')})(?:/.*)?$`;
const nodeBuiltinsPattern = `^(?:node:.+|${builtinModules.map(escapeRegex).join('|')})(?:/.*)?$`;

function layeringBlocks() {
  const workspaces = listWorkspaces();
  // Isomorphic packages run in the browser and in node; docs/architecture.md names them.
  const isIsomorphic = w => w.name.endsWith('-common') || ['@portico/catalog-model', '@portico/errors', '@portico/types'].includes(w.name);
  const isWeb = w => w.pkg.portico?.kind === 'web' || w.name.endsWith('-react');
  const isPluginApi = w => ['@portico/backend-plugin-api', '@portico/frontend-plugin-api'].includes(w.name);
  const isPlugin = w => /^(?:examples\/)?plugins\//.test(w.rel);
  const isPluginGateway = w => /-(?:common|node|react)$/.test(w.name);
  const others = (w, keep) => workspaces.filter(o => o.name !== w.name && keep(o)).map(o => o.name);

  /**
   * Each rule says which packages it applies to and what they may not use: `packages(w)` (workspace names, which
   * an exemption may allow back), `patterns` (regexes) and `globals`. Every message starts with `Layering (<id>)`.
   */
  const rules = [
    {
      id: 'frontend',
      message: 'Layering (frontend): frontend packages run in the browser; they use no node built-ins or node globals and import no node package (-node, -backend, @portico/backend and the other packages/ that run in node).',
      appliesTo: isWeb,
      packages: w => others(w, o => !isWeb(o) && !isIsomorphic(o)),
      patterns: [nodeBuiltinsPattern],
      globals: nodeGlobals,
    },
    {
      id: 'isomorphic',
      message: 'Layering (isomorphic): catalog-model, errors, types and -common packages run in the browser and in node; they use neither node built-ins nor the DOM and import only other isomorphic packages.',
      appliesTo: isIsomorphic,
      packages: w => others(w, o => !isIsomorphic(o)),
      patterns: [nodeBuiltinsPattern, packagesPattern(['react', 'react-dom'])],
      globals: [...domGlobals, ...nodeGlobals],
    },
    {
      id: 'plugin-api',
      message: 'Layering (plugin-api): backend-plugin-api and frontend-plugin-api are what plugin authors import; they import no implementation or domain package (the host, the app, core-components, catalog-model, plugins), only @portico/errors, @portico/types and @portico/permission-common.',
      appliesTo: isPluginApi,
      packages: w => others(w, o => !['@portico/errors', '@portico/types', '@portico/permission-common'].includes(o.name)),
    },
    {
      id: 'plugins',
      message: 'Layering (plugins): a plugin reaches another plugin only through its -common, -node or -react package, an extension point or a service ref.',
      appliesTo: isPlugin,
      packages: w => others(w, o => isPlugin(o) && !isPluginGateway(o)),
    },
    {
      id: 'backend',
      message: 'Layering (backend): node packages import no frontend package (web packages and -react packages need a browser).',
      appliesTo: w => !isWeb(w) && !isIsomorphic(w),
      packages: w => others(w, isWeb),
    },
    {
      id: 'relative',
      message: 'Layering (relative): do not reach into another package by relative path; import it by name so the rules above see it.',
      appliesTo: () => true,
      patterns: ['^(?:\\.\\./)+(?:packages|plugins|examples)(?:/|$)', '^(?:\\.\\./)+[^./][^/]*/src(?:/|$)'],
    },
  ];

  // Narrow exceptions, each with a comment saying why: `allow` lists the packages allowed back; without it the rule is off.
  const exemptions = [
    {
      // Vite plugin and config helpers of the app's build: they run in node at build time, never in the browser.
      files: ['packages/app/src/build/**'],
      rule: 'frontend',
    },
  ];

  // Tests and their helpers run in jest under node and ship in no bundle, so the layering does not apply to them:
  // backend tests start other plugins' backends, frontend contract tests start a real backend, jsdom setups use
  // node:v8, client tests serve HTTP with node:http. e2e suites live outside src/, which these blocks cover.
  const testFiles = ['**/*.test.ts', '**/*.test.tsx', '**/__testUtils__/**'];

  const block = (w, files, except = {}) => {
    const applicable = rules.filter(r => r.appliesTo(w) && !(except.rule === r.id && !except.allow));
    const patterns = applicable.flatMap(r => {
      const names = (r.packages?.(w) ?? []).filter(n => !(except.rule === r.id && except.allow.includes(n)));
      return [...(names.length ? [packagesPattern(names)] : []), ...(r.patterns ?? [])].map(regex => ({ regex, message: r.message }));
    });
    const globals = applicable.flatMap(r => (r.globals ?? []).map(name => ({ name, message: r.message })));
    return {
      files,
      ignores: testFiles,
      rules: {
        'no-restricted-imports': patterns.length ? ['error', { patterns }] : 'off',
        'no-restricted-globals': globals.length ? ['error', ...globals] : 'off',
      },
    };
  };

  const ruleIds = new Set(rules.map(r => r.id));
  for (const e of exemptions) if (!ruleIds.has(e.rule)) throw new Error(`eslint.config.mjs: exemption names unknown layering rule '${e.rule}'`);

  return [
    ...workspaces.map(w => block(w, [`${w.rel}/src/**`])),
    ...exemptions.map(e => {
      const owners = workspaces.filter(w => e.files.every(f => f.startsWith(`${w.rel}/src/`)));
      if (owners.length !== 1) throw new Error(`eslint.config.mjs: exemption files must lie in one package's src/: ${e.files.join(', ')}`);
      return block(owners[0], e.files, e);
    }),
  ];
}

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
    // Markdown and HTML from entities, templates and vendors are shown as text (React escapes them): nothing is
    // parsed into the DOM. A component that must render HTML passes it through a sanitizer first and disables this
    // rule on that one line, naming the sanitizer (docs/auth.md, HTTP hardening).
    files: ['packages/*/src/**/*.{ts,tsx}', 'plugins/*/src/**/*.{ts,tsx}', 'examples/plugins/*/src/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']", message: 'Unsanitized HTML: render data as text, or sanitize it and say so (eslint.config.mjs)' },
        { selector: "AssignmentExpression[left.property.name=/^(innerHTML|outerHTML)$/]", message: 'Unsanitized HTML: render data as text, or sanitize it and say so (eslint.config.mjs)' },
        { selector: "CallExpression[callee.property.name=/^(insertAdjacentHTML|write|writeln)$/][callee.object.name='document'], CallExpression[callee.property.name='insertAdjacentHTML']", message: 'Unsanitized HTML: render data as text, or sanitize it and say so (eslint.config.mjs)' },
      ],
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
  // ---- layering ---- (generated per workspace package, see layeringBlocks above)
  ...layeringBlocks(),
);
