// Shared by scripts/e2e.js and bench/frontend: build what is stale, start the portal on a free port
// with a temporary data dir, wait for /readyz, stop it.
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const net = require('net');
const path = require('path');
const { spawn, spawnSync } = require('child_process');
const { root, listWorkspaces } = require('../workspaces');
const { appBuildReason, readAppBuildStamp, writeAppBuildStamp } = require('./appBuildStamp');

const log = msg => console.log(`[portal] ${msg}`);

function newestMtime(dir) {
  if (!fs.existsSync(dir)) return 0;
  if (!fs.statSync(dir).isDirectory()) return fs.statSync(dir).mtimeMs;
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

function run(cmd, args, env = {}) {
  const res = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${res.status}`);
}

/**
 * Builds what is stale. `options.appPlugins` bundles those frontend plugins instead of app-config's app.plugins (the
 * e2e portal adds some); the app's build stamp (scripts/lib/appBuildStamp.js) records them, so the app is rebuilt
 * whenever the list differs from the last build's, here and in `npm start`.
 */
function buildIfNeeded(options = {}) {
  const workspaces = listWorkspaces();
  const staleNode = workspaces.some(
    w => w.kind !== 'web' && fs.existsSync(path.join(w.dir, 'src')) && !fs.existsSync(path.join(w.dir, 'dist')),
  );
  if (staleNode || !fs.existsSync(path.join(root, 'packages/cli/dist/index.js'))) {
    log('building node packages');
    run(process.execPath, ['scripts/build.js', '--no-app']);
  }
  const env = options.appPlugins ? { PORTICO_APP_PLUGINS: options.appPlugins.join(',') } : {};
  const appBuilt = path.join(root, 'packages/app/dist/index.html');
  const builtAt = fs.existsSync(appBuilt) ? fs.statSync(appBuilt).mtimeMs : 0;
  const sourcesAt = Math.max(
    ...workspaces.filter(w => w.kind === 'web').map(w => newestMtime(path.join(w.dir, 'src'))),
    newestMtime(path.join(root, 'packages/app/index.html')),
    ...['app-config.yaml', 'app-config.local.yaml'].map(f => (fs.existsSync(path.join(root, f)) ? fs.statSync(path.join(root, f)).mtimeMs : 0)),
  );
  // the stamp tells a build of other plugins (or one made without a stamp, which may be one) from a current one
  const stale = appBuildReason(root, workspaces, { ...process.env, ...env });
  if (sourcesAt > builtAt || stale) {
    log(`building the app${env.PORTICO_APP_PLUGINS ? ` with ${env.PORTICO_APP_PLUGINS}` : ''}`);
    const stamp = readAppBuildStamp(root, workspaces, { ...process.env, ...env });
    run('npm', ['run', 'build', '--silent', '-w', '@portico/app'], env);
    writeAppBuildStamp(root, stamp);
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForReady(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the portal exited with ${child.exitCode} before it was ready`);
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise(r => setTimeout(r, 300));
  }
  throw new Error(`the portal was not ready at ${url}/readyz within ${timeoutMs / 1000}s`);
}

/**
 * Starts `portico start` with the repo's app-config plus a generated file: the port, a temporary
 * data dir and `options.config` (an object; JSON is YAML, later config files win key by key, arrays
 * are replaced). `options.port` picks the port (a journey whose identity provider must know the callback URL
 * first). `options.dataDir` starts it on an existing data dir (a restart), which `stop` then
 * leaves in place. Returns its URL, pid, data dir, `token` (an external access token generated for the run,
 * or `options.token`) and `authorization` (`Bearer <token>`) for API calls, `stop` (SIGTERM) and `kill`
 * (SIGKILL, as a crash).
 */
async function startPortal(options = {}) {
  const port = options.port ?? (await freePort());
  const ownDataDir = !options.dataDir;
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'portico-e2e-'));
  const configFile = path.join(dataDir, 'e2e-config.yaml');
  const extra = options.config ?? {};
  // Callers reach the API with this external access token (every plugin is behind default deny).
  const token = options.token ?? `e2e-${crypto.randomBytes(24).toString('hex')}`;
  const externalAccess = [...(extra.backend?.auth?.externalAccess ?? []), { token, subject: 'e2e' }];
  const generated = {
    ...extra,
    // Browser pages get in as the guest; the harness runs the portal with NODE_ENV=production.
    auth: { allowGuestInProduction: true, ...extra.auth },
    backend: { ...extra.backend, dataDir, listen: { ...extra.backend?.listen, port }, auth: { ...extra.backend?.auth, externalAccess } },
  };
  fs.writeFileSync(configFile, `${JSON.stringify(generated, null, 2)}\n`);
  const configs = ['app-config.yaml', 'app-config.local.yaml']
    .filter(f => fs.existsSync(path.join(root, f)))
    .flatMap(f => ['--config', f]);
  const logDir = path.join(root, options.logDir ?? 'artifacts/e2e');
  fs.mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, 'portal.log');
  const out = fs.openSync(logFile, ownDataDir ? 'w' : 'a');
  const child = spawn(process.execPath, ['packages/cli/bin/portico', 'start', ...configs, '--config', configFile], {
    cwd: root,
    env: { ...process.env, PORT: String(port), NODE_ENV: process.env.NODE_ENV ?? 'production' },
    stdio: ['ignore', out, out],
  });
  const url = `http://127.0.0.1:${port}`;
  log(`starting the portal at ${url} (log: ${path.relative(root, logFile)}, data: ${dataDir})`);
  try {
    await waitForReady(url, child, options.readyTimeoutMs ?? 90_000);
  } catch (error) {
    child.kill('SIGTERM');
    console.error(fs.readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n'));
    throw error;
  }
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise(r => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          r();
        }, 12_000);
        child.once('exit', () => {
          clearTimeout(timer);
          r();
        });
      });
    }
    if (ownDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  };
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise(r => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  };
  return { url, token, authorization: `Bearer ${token}`, stop, kill, pid: child.pid, dataDir };
}

module.exports = { buildIfNeeded, startPortal, freePort };
