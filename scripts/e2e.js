#!/usr/bin/env node
// npm run test:e2e: build what is stale, start the portal on a free port with a temporary data dir,
// wait for /readyz, run the browser specs (jest.e2e.config.js), stop the portal.
// PORTICO_E2E_URL=http://host:port skips the build and start and runs the specs against that portal.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { root } = require('./workspaces');
const { buildIfNeeded, startPortal } = require('./lib/portal');

const log = msg => console.log(`[e2e] ${msg}`);
/** The CI token the insights journey pushes events with (restricted to insights.events.push). */
const INSIGHTS_TOKEN = `e2e-insights-${require('crypto').randomBytes(24).toString('hex')}`;

/**
 * What the journeys need on top of the repository's app-config, added only where it has none: the
 * catalog backend, the example organisation (examples/catalog) as a location, guest mode allowed under
 * NODE_ENV=production when the app-config enables it, and a folder the portal may read files from, where
 * the register journey writes its file (PORTICO_E2E_FILE_ROOT).
 */
function exampleOrganisationConfig(registerRoot) {
  const { parse } = require('yaml');
  const merged = {};
  for (const file of ['app-config.yaml', 'app-config.local.yaml']) {
    const full = path.join(root, file);
    if (!fs.existsSync(full)) continue;
    const doc = parse(fs.readFileSync(full, 'utf8')) ?? {};
    for (const [key, value] of Object.entries(doc)) merged[key] = { ...merged[key], ...value };
  }
  const config = {};
  const plugins = merged.backend?.plugins ?? [];
  if (!plugins.includes('@portico/plugin-catalog-backend')) {
    config.backend = { plugins: [...plugins, '@portico/plugin-catalog-backend'] };
  }
  if (!merged.catalog?.locations?.length) {
    config.catalog = {
      ...merged.catalog,
      locations: [{ type: 'file', target: path.join(root, 'examples/catalog/all.yaml') }],
    };
  }
  // the portal runs with NODE_ENV=production, where guest mode (the default app-config's) must be allowed explicitly
  if (merged.auth?.allowGuest) config.auth = { ...merged.auth, allowGuestInProduction: true };
  // insights (issue 17): its backend and frontend, and a CI token that may only push events (the team page journey)
  const withItem = (list, item) => (list.includes(item) ? list : [...list, item]);
  config.backend = {
    ...config.backend,
    plugins: withItem(config.backend?.plugins ?? plugins, '@portico/plugin-insights-backend'),
    auth: { externalAccess: [{ token: INSIGHTS_TOKEN, subject: 'e2e-ci', accessRestrictions: { plugins: ['insights'], permissions: ['insights.events.push'] } }] },
  };
  config.app = { ...merged.app, plugins: withItem(merged.app?.plugins ?? [], '@portico/plugin-insights') };
  const roots = merged.integrations?.file?.roots ?? [];
  config.integrations = {
    ...merged.integrations,
    file: { ...merged.integrations?.file, roots: [...roots, path.join(root, 'examples'), registerRoot] },
  };
  return config;
}

async function main() {
  if (!fs.existsSync(process.env.PORTICO_CHROMIUM ?? '/usr/bin/chromium')) {
    throw new Error('chromium is missing: apt-get install -y chromium (or set PORTICO_CHROMIUM)');
  }
  let portal = process.env.PORTICO_E2E_URL ? { url: process.env.PORTICO_E2E_URL, stop: async () => {} } : undefined;
  let registerRoot = process.env.PORTICO_E2E_FILE_ROOT;
  if (!portal) {
    registerRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-e2e-files-'));
    const config = exampleOrganisationConfig(registerRoot);
    buildIfNeeded({ appPlugins: config.app.plugins });
    portal = await startPortal({ config });
    const stopPortal = portal.stop;
    portal.stop = async () => {
      await stopPortal();
      fs.rmSync(registerRoot, { recursive: true, force: true });
    };
  }
  let status;
  try {
    const jest = spawnSync(
      process.execPath,
      [require.resolve('jest/bin/jest'), '-c', 'jest.e2e.config.js', '--runInBand', ...process.argv.slice(2)],
      {
        cwd: root,
        stdio: 'inherit',
        env: { ...process.env, PORTICO_E2E_URL: portal.url, ...(portal.token ? { PORTICO_E2E_TOKEN: portal.token, PORTICO_E2E_INSIGHTS_TOKEN: INSIGHTS_TOKEN } : {}), ...(registerRoot ? { PORTICO_E2E_FILE_ROOT: registerRoot } : {}) },
      },
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
