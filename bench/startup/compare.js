#!/usr/bin/env node
// A/B of portico start on a shared, busy machine: CPU (and wall time) from spawn until /readyz of two or more builds,
// run alternately in one sitting. Each build is a snapshot of packages/cli (bin, dist with the server bundle and its
// code cache) taken with --snapshot, so that a rebuild by other work meanwhile cannot swap the code between runs
// (the live bundle also stops being used as soon as any package in it is rebuilt: the snapshot's manifest drops the
// .tsbuildinfo stamps that check). Modules outside the bundle still come from the repository.
//   node bench/startup/compare.js --snapshot DIR [--start-cache]   copy the current build to DIR (without the start's
//                                                                   code cache unless --start-cache)
//   node bench/startup/compare.js [--runs 8] DIR DIR...             alternate starts of each snapshot, app-config.yaml
//                                                                   with a fresh data directory each time
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const { freePort, status, cpuMs } = require('../lib/common');

const repo = path.resolve(__dirname, '../..');
const cli = path.join(repo, 'packages/cli');
const argv = process.argv.slice(2);

function snapshot(dir, withStartCache) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const entry of ['bin', 'dist', 'package.json']) fs.cpSync(path.join(cli, entry), path.join(dir, entry), { recursive: true, preserveTimestamps: true });
  // the bundle's externals (better-sqlite3 and the like) resolve from the snapshot's folder
  fs.symlinkSync(path.join(repo, 'node_modules'), path.join(dir, 'node_modules'));
  const server = path.join(dir, 'dist/server');
  const manifestFile = path.join(server, 'manifest.json');
  if (!fs.existsSync(manifestFile)) throw new Error('no server bundle: run node scripts/build.js --no-app first');
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  const unusable = require(path.join(cli, 'dist/start/serverBundle.js')).serverBundleUnusable();
  if (unusable) throw new Error(`the current bundle is not in use (${unusable}): run node scripts/build.js --no-app first`);
  manifest.stamps = {};
  fs.writeFileSync(manifestFile, JSON.stringify(manifest));
  // a code cache older than the bundle is ignored: keep the files' times as they were
  const bundleTime = fs.statSync(path.join(server, 'bundle.js')).mtime;
  fs.utimesSync(manifestFile, bundleTime, bundleTime);
  if (!withStartCache) fs.rmSync(path.join(server, 'bundle.js.start-cache'), { force: true });
  console.log(`snapshot of packages/cli in ${dir}${withStartCache ? ' (with the start cache)' : ''}`);
}

async function startOnce(dir) {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-compare-'));
  const overrides = path.join(dataDir, 'bench-config.yaml');
  fs.writeFileSync(overrides, `backend:\n  dataDir: ${JSON.stringify(dataDir)}\n  listen:\n    port: ${port}\n`);
  const t0 = performance.now();
  const child = spawn(process.execPath, [path.join(dir, 'bin/portico'), 'start', '--config', path.join(repo, 'app-config.yaml'), '--config', overrides], {
    cwd: repo,
    env: { ...process.env, LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  const exited = new Promise(resolve => child.on('exit', resolve));
  try {
    while (performance.now() - t0 < 30_000) {
      if (child.exitCode !== null) throw new Error(`${dir}: portico start exited with ${child.exitCode}`);
      if ((await status(`http://127.0.0.1:${port}/readyz`)) === 200) return { wallMs: performance.now() - t0, cpuMs: cpuMs(child.pid) };
      await new Promise(r => setTimeout(r, 5));
    }
    throw new Error(`${dir}: /readyz did not answer 200 within 30 s`);
  } finally {
    child.kill('SIGTERM');
    await exited;
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const spread = values => {
  const sorted = [...values].sort((a, b) => a - b);
  return `${sorted.map(v => v.toFixed(0)).join(' ')} (median ${sorted[Math.floor(sorted.length / 2)].toFixed(0)})`;
};

(async () => {
  if (argv[0] === '--snapshot') return snapshot(path.resolve(argv[1]), argv.includes('--start-cache'));
  let runs = 8;
  const dirs = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--runs') runs = Number(argv[++i]);
    else dirs.push(path.resolve(argv[i]));
  }
  if (dirs.length < 1) throw new Error('usage: node bench/startup/compare.js [--runs 8] DIR DIR...');
  const loadBefore = os.loadavg()[0];
  const results = dirs.map(() => []);
  for (let run = 0; run < runs; run++) for (let i = 0; i < dirs.length; i++) results[i].push(await startOnce(dirs[i]));
  console.log(`${runs} alternating starts each, 1-minute load average ${loadBefore.toFixed(1)} before, ${os.loadavg()[0].toFixed(1)} after`);
  dirs.forEach((dir, i) => {
    console.log(`${dir}\n  CPU until /readyz ${spread(results[i].map(r => r.cpuMs))} ms\n  spawn to /readyz  ${spread(results[i].map(r => r.wallMs))} ms`);
  });
})().catch(error => {
  console.error(error.message ?? error);
  process.exit(1);
});
