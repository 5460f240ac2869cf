// What the benchmark scripts share: their flag parsing, a free port, the portal started as users run it
// (`portico start` with the repo's app-config plus the bench's file) and waited for, and a process's CPU time.
'use strict';
const fs = require('fs');
const http = require('http');
const path = require('path');
const { spawn } = require('child_process');
const { freePort } = require('../../scripts/lib/portal');

const root = path.resolve(__dirname, '../..');

/** `--name value` and bare `--flag` (true) from the command line, as the bench scripts have always read them. */
function parseFlags(argv = process.argv.slice(2)) {
  const opt = {};
  for (let i = 0; i < argv.length; i++) opt[argv[i].replace(/^--/, '')] = argv[i + 1]?.startsWith('--') || argv[i + 1] === undefined ? true : argv[++i];
  return opt;
}

const sleep = ms => new Promise(r => setTimeout(r, ms));

/** The HTTP status of a GET (0 when nothing answers within a second). */
function status(url) {
  return new Promise(resolve => {
    const req = http.get(url, res => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', () => resolve(0));
    req.setTimeout(1000, () => req.destroy());
  });
}

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux); undefined elsewhere. */
function cpuMs(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime, fields 14 and 15 of stat (11 and 12 after the command), in clock ticks of 1/100 s
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/**
 * Starts `portico start` from the repository root with app-config.yaml (and app-config.local.yaml) plus `configFile`,
 * `NODE_ENV=production`, `PORT=port`, its output appended to `logFile`, and waits for `/readyz` (at most
 * `timeoutMs`). `built`: the built CLI (packages/cli/bin/portico) instead of the sources (bench/jira/portico.js);
 * `nodeArgs`: flags for node (a CPU profile). Returns the child process.
 */
async function startPortico({ port, configFile, logFile, built, nodeArgs = [], timeoutMs = 180_000 }) {
  const configs = ['app-config.yaml', 'app-config.local.yaml'].filter(f => fs.existsSync(path.join(root, f))).flatMap(f => ['--config', f]);
  const cli = built ? 'packages/cli/bin/portico' : 'bench/jira/portico.js';
  const out = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, [...nodeArgs, cli, 'start', ...configs, '--config', configFile], {
    cwd: root,
    env: { ...process.env, PORT: String(port), NODE_ENV: 'production' },
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the portal exited with ${child.exitCode} before it was ready (log: ${logFile})`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the portal was not ready within ${timeoutMs / 1000} s (log: ${logFile})`);
    }
    await sleep(200);
  }
  return child;
}

module.exports = { root, parseFlags, freePort, sleep, status, cpuMs, startPortico };
