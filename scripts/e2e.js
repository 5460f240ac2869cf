#!/usr/bin/env node
// npm run test:e2e: build what is stale, start the portal on a free port with a temporary data dir,
// wait for /readyz, run the browser specs (jest.e2e.config.js), stop the portal.
// PORTICO_E2E_URL=http://host:port skips the build and start and runs the specs against that portal.
const fs = require('fs');
const { spawnSync } = require('child_process');
const { root } = require('./workspaces');
const { buildIfNeeded, startPortal } = require('./lib/portal');

const log = msg => console.log(`[e2e] ${msg}`);

async function main() {
  if (!fs.existsSync(process.env.PORTICO_CHROMIUM ?? '/usr/bin/chromium')) {
    throw new Error('chromium is missing: apt-get install -y chromium (or set PORTICO_CHROMIUM)');
  }
  let portal = process.env.PORTICO_E2E_URL ? { url: process.env.PORTICO_E2E_URL, stop: async () => {} } : undefined;
  if (!portal) {
    buildIfNeeded();
    portal = await startPortal();
  }
  let status;
  try {
    const jest = spawnSync(
      process.execPath,
      [require.resolve('jest/bin/jest'), '-c', 'jest.e2e.config.js', '--runInBand', ...process.argv.slice(2)],
      { cwd: root, stdio: 'inherit', env: { ...process.env, PORTICO_E2E_URL: portal.url } },
    );
    status = jest.status ?? 1;
  } finally {
    await portal.stop();
  }
  log(`screenshots in artifacts/e2e/`);
  process.exit(status);
}

main().catch(error => {
  console.error(`[e2e] ${error.message}`);
  process.exit(1);
});
