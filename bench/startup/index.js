#!/usr/bin/env node
// Cold start: spawn -> GET /healthz 200, spawn -> /readyz 200 (every plugin migrated and started), the CPU the
// process used until then, and idle RSS 2 s later. Run after `node scripts/build.js --no-app`. With --portal, each run
// also prints when each phase of the start ended (PORTICO_STARTUP_TIMELINE=1, the `portico:*` performance marks).
// `node bench/startup/profile.js` says where the CPU of a portal start goes, by package.
//   node bench/startup [--runs 3]            the host with ten trivial plugins (host.js)
//   node bench/startup --portal [--runs 3]   `portico start` with the repository's app-config.yaml (every plugin it
//                                            lists, its catalog locations), a fresh data directory and LOG_LEVEL=warn
// Usage: node bench/startup [--runs 3] [--portal]
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const { ensureStartCache } = require('./startCache');
const { freePort, status, cpuMs } = require('../lib/common');

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 3;
const portal = process.argv.includes('--portal');
const repo = path.resolve(__dirname, '../..');

/** The command line of the benchmarked process, and its environment. */
function command(port, dataDir) {
  if (!portal) {
    return { args: [path.join(__dirname, 'host.js')], env: { BENCH_PORT: String(port), BENCH_DATA_DIR: dataDir, NODE_ENV: 'production' } };
  }
  // app-config.yaml as `npm start` reads it, with the data directory and port of this run on top.
  const overrides = path.join(dataDir, 'bench-config.yaml');
  fs.writeFileSync(overrides, `backend:\n  dataDir: ${JSON.stringify(dataDir)}\n  listen:\n    port: ${port}\n`);
  return {
    args: [path.join(repo, 'packages/cli/bin/portico'), 'start', '--config', path.join(repo, 'app-config.yaml'), '--config', overrides],
    env: { LOG_LEVEL: 'warn', PORTICO_STARTUP_TIMELINE: '1' },
  };
}

async function waitFor200(url, t0, deadlineMs = 30000) {
  while (performance.now() - t0 < deadlineMs) {
    if ((await status(url)) === 200) return performance.now() - t0;
    await new Promise(r => setTimeout(r, 5));
  }
  throw new Error(`${url} did not answer 200 within ${deadlineMs} ms`);
}

function rssMb(pid) {
  const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(text.match(/VmRSS:\s+(\d+) kB/)[1]) / 1024;
}

async function runOnce() {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-bench-'));
  const { args, env } = command(port, dataDir);
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { cwd: repo, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise(resolve => child.on('exit', code => resolve(code)));
  let timeline;
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', text => {
    stderr += text;
    for (let end = stderr.indexOf('\n'); end >= 0; end = stderr.indexOf('\n')) {
      const line = stderr.slice(0, end);
      stderr = stderr.slice(end + 1);
      const match = /^portico start timeline (\{.*\})$/.exec(line);
      if (match) timeline = JSON.parse(match[1]);
      else process.stderr.write(`${line}\n`);
    }
  });
  try {
    const healthzMs = await waitFor200(`http://127.0.0.1:${port}/healthz`, t0);
    const healthzCpuMs = cpuMs(child.pid);
    const readyzMs = await waitFor200(`http://127.0.0.1:${port}/readyz`, t0);
    const readyCpuMs = cpuMs(child.pid);
    await new Promise(r => setTimeout(r, 2000));
    const idleRss = rssMb(child.pid);
    child.kill('SIGTERM');
    const code = await exited;
    return { healthzMs, healthzCpuMs, readyzMs, readyCpuMs, idleRss, exitCode: code, timeline };
  } finally {
    child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const median = values => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

(async () => {
  if (portal) await ensureStartCache();
  console.log(`load average ${os.loadavg().map(l => l.toFixed(1)).join(' ')} on ${os.cpus().length} CPUs (wall times grow with load; CPU time less so)`);
  const results = [];
  for (let i = 0; i < runs; i++) {
    const r = await runOnce();
    results.push(r);
    console.log(
      `run ${i + 1}: /healthz 200 after ${r.healthzMs.toFixed(0)} ms (${r.healthzCpuMs.toFixed(0)} ms CPU), /readyz 200 after ${r.readyzMs.toFixed(0)} ms ` +
        `(${r.readyCpuMs.toFixed(0)} ms CPU), ` +
        `idle RSS ${r.idleRss.toFixed(1)} MB, exit ${r.exitCode}`,
    );
    if (r.timeline) console.log(`  phases (ms after process start): ${Object.entries(r.timeline).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  }
  console.log(
    `median of ${runs}: start to /healthz ${median(results.map(r => r.healthzMs)).toFixed(0)} ms, ` +
      `to /readyz (${portal ? 'the portal' : '10 plugins'} migrated) ${median(results.map(r => r.readyzMs)).toFixed(0)} ms ` +
      `using ${median(results.map(r => r.readyCpuMs)).toFixed(0)} ms CPU, ` +
      `idle RSS ${median(results.map(r => r.idleRss)).toFixed(1)} MB`,
  );
})().catch(error => {
  console.error(error);
  process.exit(1);
});
