#!/usr/bin/env node
// Where `portico start` spends its CPU until /readyz: runs the portal (as `node bench/startup --portal` does) under
// `--cpu-prof`, keeps the samples taken before /readyz answered 200, and sums their self time by package (the server
// bundle's `// <path>` module markers, or the file's path outside it) and by the phase the host was in.
//   node bench/startup/profile.js [--top 40] [--inclusive 60] [--keep DIR]
//   node bench/startup/profile.js --file X.cpuprofile [--from S] [--to S] [--top 40] [--inclusive 60]
// The second form reads a profile written earlier (bench/catalog/run.js --cpu-prof DIR), seconds from its start.
// --inclusive N also lists the N functions with the most time spent in them or in what they called (the bundle's line
// numbers); --keep leaves the .cpuprofile there for DevTools.
// Run after `node scripts/build.js --no-app`.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const { ensureStartCache } = require('./startCache');
const { freePort, status } = require('../lib/common');

const arg = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const top = Number(arg('--top', 40));
const keep = arg('--keep');
const inclusive = Number(arg('--inclusive', 0));
const file = arg('--file');
const repo = path.resolve(__dirname, '../..');
const bundleFile = path.join(repo, 'packages/cli/dist/server/bundle.js');

/** Each module of the bundle by its first line, for attributing a function to the package it came from. */
function bundleModules() {
  if (!fs.existsSync(bundleFile)) return [];
  const lines = fs.readFileSync(bundleFile, 'utf8').split('\n');
  const starts = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^\/\/ (\S+\.(?:c|m)?js(?:on)?)$/.exec(lines[i]);
    if (m) starts.push({ line: i, file: m[1] });
  }
  return starts;
}

/** `node_modules/<pkg>` or the workspace package of a path. */
function packageOf(file) {
  const parts = file.split(/[\\/]/);
  const at = parts.lastIndexOf('node_modules');
  if (at >= 0) return parts[at + 1].startsWith('@') ? `${parts[at + 1]}/${parts[at + 2]}` : parts[at + 1];
  const root = parts.findIndex(p => p === 'packages' || p === 'plugins' || p === 'examples');
  return root >= 0 ? `${parts[root]}/${parts[root + 1]}` : file;
}

function attribute(frame, modules) {
  const { url, lineNumber, functionName } = frame;
  if (!url) return functionName ? `(${functionName})` : '(native)';
  const file = url.replace(/^file:\/\//, '');
  if (file === bundleFile && modules.length) {
    let lo = 0;
    let hi = modules.length - 1;
    if (lineNumber < modules[0].line) return 'bundle runtime';
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (modules[mid].line <= lineNumber) lo = mid;
      else hi = mid - 1;
    }
    return packageOf(modules[lo].file);
  }
  if (file.startsWith('node:')) return file;
  return packageOf(path.relative(repo, file));
}

async function profileStart() {
  await ensureStartCache();
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-profile-'));
  const profDir = keep ? path.resolve(keep) : path.join(dataDir, 'prof');
  fs.mkdirSync(profDir, { recursive: true });
  const overrides = path.join(dataDir, 'bench-config.yaml');
  fs.writeFileSync(overrides, `backend:\n  dataDir: ${JSON.stringify(dataDir)}\n  listen:\n    port: ${port}\n`);
  console.log(`load average ${os.loadavg().map(l => l.toFixed(1)).join(' ')} on ${os.cpus().length} CPUs`);
  const spawnedNs = process.hrtime.bigint();
  const child = spawn(
    process.execPath,
    ['--cpu-prof', `--cpu-prof-dir=${profDir}`, path.join(repo, 'packages/cli/bin/portico'), 'start', '--config', path.join(repo, 'app-config.yaml'), '--config', overrides],
    { cwd: repo, env: { ...process.env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const exited = new Promise(resolve => child.on('exit', resolve));
  let readyNs;
  let healthzNs;
  const deadline = Date.now() + 30000;
  while (!readyNs && Date.now() < deadline) {
    if (!healthzNs && (await status(`http://127.0.0.1:${port}/healthz`)) === 200) healthzNs = process.hrtime.bigint();
    if (healthzNs && (await status(`http://127.0.0.1:${port}/readyz`)) === 200) readyNs = process.hrtime.bigint();
    else await new Promise(r => setTimeout(r, 5));
  }
  child.kill('SIGTERM');
  await exited;
  if (!readyNs) throw new Error('/readyz did not answer 200 within 30 s');
  const file = fs.readdirSync(profDir).find(f => f.endsWith('.cpuprofile'));
  const profile = JSON.parse(fs.readFileSync(path.join(profDir, file), 'utf8'));
  const ms = ns => Number(ns - spawnedNs) / 1e6;
  console.log(`spawn to /healthz ${ms(healthzNs).toFixed(0)} ms, to /readyz ${ms(readyNs).toFixed(0)} ms`);

  // V8's profile clock is the monotonic clock process.hrtime reads (µs).
  const readyUs = Number(readyNs / 1000n);
  const spawnedUs = Number(spawnedNs / 1000n);
  console.log(`profile from ${((profile.startTime - spawnedUs) / 1000).toFixed(0)} ms after spawn; until /readyz:`);
  analyse(profile, profile.startTime, readyUs);
  if (keep) console.log(`profile kept: ${path.join(profDir, file)}`);
  fs.rmSync(dataDir, { recursive: true, force: true });
}

/** Self time by package and inclusive time by function of the samples taken between fromUs and toUs. */
function analyse(profile, fromUs, toUs) {
  const modules = bundleModules();
  const nodes = new Map(profile.nodes.map(n => [n.id, n]));
  const parents = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parents.set(c, n.id);
  const inclusiveUs = new Map();
  const selfUs = new Map();
  let t = profile.startTime;
  let counted = 0;
  let idle = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const previous = t;
    t += profile.timeDeltas[i];
    if (t > toUs) break;
    if (t < fromUs) continue;
    const dt = t - previous;
    const node = nodes.get(profile.samples[i]);
    const name = node.callFrame.functionName;
    if (name === '(idle)') {
      idle += dt;
      continue;
    }
    const key = name === '(garbage collector)' || name === '(program)' ? name : attribute(node.callFrame, modules);
    selfUs.set(key, (selfUs.get(key) ?? 0) + dt);
    counted += dt;
    // inclusive time of named functions, each counted once per sample
    const seen = new Set();
    for (let id = node.id; id !== undefined; id = parents.get(id)) {
      const { functionName, url, lineNumber } = nodes.get(id).callFrame;
      if (!functionName || functionName.startsWith('(')) continue;
      const label = `${functionName} (${attribute(nodes.get(id).callFrame, modules)}${url && !url.startsWith('node:') ? `:${lineNumber + 1}` : ''})`;
      if (seen.has(label)) continue;
      seen.add(label);
      inclusiveUs.set(label, (inclusiveUs.get(label) ?? 0) + dt);
    }
  }
  console.log(`${(counted / 1000).toFixed(0)} ms on the main thread, ${(idle / 1000).toFixed(0)} ms idle`);
  for (const [key, us] of [...selfUs].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${(us / 1000).toFixed(1).padStart(8)} ms  ${key}`);
  }
  if (inclusive) {
    console.log(`\nfunctions by inclusive time:`);
    for (const [label, us] of [...inclusiveUs].sort((x, y) => y[1] - x[1]).slice(0, inclusive)) {
      console.log(`${(us / 1000).toFixed(1).padStart(8)} ms  ${label}`);
    }
  }
}

(async () => {
  if (!file) return profileStart();
  // an existing profile (bench/catalog/run.js --cpu-prof): the window in seconds from its first sample
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const from = profile.startTime + Number(arg('--from', 0)) * 1e6;
  const to = process.argv.includes('--to') ? profile.startTime + Number(arg('--to')) * 1e6 : profile.endTime;
  console.log(`${path.basename(file)}, ${arg('--from', 0)} s to ${arg('--to', 'the end')}:`);
  analyse(profile, from, to);
})().catch(error => {
  console.error(error);
  process.exit(1);
});
