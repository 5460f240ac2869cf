// Browser specs (npm run test:e2e): node environment, one worker, against a portal started by scripts/e2e.js.
const fs = require('fs');
const path = require('path');

const swc = JSON.parse(fs.readFileSync(path.join(__dirname, '.swcrc'), 'utf8'));
delete swc.$schema;

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/{packages,plugins,examples/plugins}/*/e2e/**/*.e2e.ts', '<rootDir>/test/hostile/**/*.e2e.ts', '<rootDir>/test/journeys/**/*.e2e.ts'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { ...swc, swcrc: false }] },
  testTimeout: 60000,
  maxWorkers: 1,
};
