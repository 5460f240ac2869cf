// One jest run for the whole monorepo: node tests for backend code, jsdom for React code.
// Workspace packages resolve to their src/ so tests never need a build first.
const fs = require('fs');
const path = require('path');

const root = __dirname;
const rootPkg = require('./package.json');
const moduleNameMapper = {};
for (const pattern of rootPkg.workspaces) {
  const base = path.join(root, pattern.replace('/*', ''));
  if (!fs.existsSync(base)) continue;
  for (const dir of fs.readdirSync(base)) {
    const pj = path.join(base, dir, 'package.json');
    if (!fs.existsSync(pj)) continue;
    const { name } = JSON.parse(fs.readFileSync(pj, 'utf8'));
    moduleNameMapper[`^${name.replace('/', '\\/')}$`] = path.join(base, dir, 'src', 'index.ts');
    moduleNameMapper[`^${name.replace('/', '\\/')}/(.*)$`] = path.join(base, dir, 'src', '$1');
  }
}

const swc = JSON.parse(fs.readFileSync(path.join(root, '.swcrc'), 'utf8'));
delete swc.$schema;
const transform = { '^.+\\.(t|j)sx?$': ['@swc/jest', { ...swc, swcrc: false }] };
const common = {
  rootDir: root,
  transform,
  moduleNameMapper: {
    ...moduleNameMapper,
    '\\.(css|svg|png)$': path.join(root, 'scripts/jest/file-stub.js'),
    // Exports only an `import` condition, which jest's require-based resolver does not try.
    '^@octokit/webhooks-methods$': path.join(root, 'node_modules/@octokit/webhooks-methods/dist-node/index.js'),
    // @rjsf/mui's CommonJS build reads MUI's CommonJS modules with Node's interop (the module, not the component);
    // its ES build, transformed below, is also what Vite bundles.
    '^@rjsf/mui$': path.join(root, 'node_modules/@rjsf/mui/lib/index.js'),
  },
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/e2e/'],
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/'],
  // ESM-only dependencies that Node 20 loads with require() but jest must transform first.
  transformIgnorePatterns: ['/node_modules/(?!(@marcbachmann/cel-js|openid-client|oauth4webapi|jose|@octokit|universal-user-agent|before-after-hook|universal-github-app-jwt|toad-cache|json-with-bigint|content-type/dist|@x0k/json-schema-merge|@rjsf/mui/lib)/)'],
};

module.exports = {
  testTimeout: 30000,
  // Both cores: jest's default (cores - 1) is one worker on a 2-core CI machine, which made the suite take
  // 17 minutes; suites are independent (each PostgreSQL test gets its own database, ports are ephemeral).
  maxWorkers: 2,
  // Names this run's PostgreSQL test databases, and drops at the end any a suite left behind.
  globalSetup: path.join(root, 'scripts/jest/globalSetup.js'),
  globalTeardown: path.join(root, 'scripts/jest/globalTeardown.js'),
  projects: [
    {
      ...common,
      displayName: 'node',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/{packages,plugins,examples/plugins}/*/src/**/*.test.ts', '<rootDir>/scripts/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
    },
    {
      ...common,
      displayName: 'web',
      testEnvironment: 'jsdom',
      testMatch: ['<rootDir>/{packages,plugins,examples/plugins}/*/src/**/*.test.tsx'],
      setupFilesAfterEnv: [path.join(root, 'scripts/jest/setup-web.js')],
    },
  ],
};
