// The first `portico start` after a build writes bundle.js.start-cache (V8's code cache of what the start, the first
// load and the first requests compiled) 15 s after starting; the starts after it use that cache. The benchmarks time
// those later starts: when the cache is missing or older than the bundle, this runs one untimed start until it is
// written.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');

const repo = path.resolve(__dirname, '../..');
const serverDir = path.join(repo, 'packages/cli/dist/server');

function startCacheCurrent() {
  try {
    return fs.statSync(path.join(serverDir, 'bundle.js.start-cache')).mtimeMs >= fs.statSync(path.join(serverDir, 'bundle.js')).mtimeMs;
  } catch {
    return false;
  }
}

/** Runs the portal (app-config.yaml, a fresh data directory, port 0) until it has written its code cache. */
async function ensureStartCache({ log = console.error, timeoutMs = 60_000 } = {}) {
  if (!fs.existsSync(path.join(serverDir, 'bundle.js')) || startCacheCurrent()) return;
  log('[bench] one untimed start writes the server bundle\'s start cache (about 15 s)');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-start-cache-'));
  const overrides = path.join(dataDir, 'config.yaml');
  fs.writeFileSync(overrides, `backend:\n  dataDir: ${JSON.stringify(dataDir)}\n  listen:\n    port: 0\n    host: 127.0.0.1\n`);
  const child = spawn(process.execPath, [path.join(repo, 'packages/cli/bin/portico'), 'start', '--config', path.join(repo, 'app-config.yaml'), '--config', overrides], {
    cwd: repo,
    env: { ...process.env, LOG_LEVEL: 'error' },
    stdio: 'ignore',
  });
  const exited = new Promise(resolve => child.on('exit', resolve));
  const deadline = Date.now() + timeoutMs;
  try {
    while (!startCacheCurrent() && child.exitCode === null && Date.now() < deadline) await new Promise(r => setTimeout(r, 250));
  } finally {
    child.kill('SIGTERM');
    await exited;
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  if (!startCacheCurrent()) log('[bench] the start cache was not written: the timed starts compile what it would hold');
}

module.exports = { ensureStartCache, startCacheCurrent };
