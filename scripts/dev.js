#!/usr/bin/env node
// npm run dev: the backend (portico start, port 7007 unless PORT) plus the Vite dev server of the app
// (port 3000 unless PORTICO_DEV_PORT) with /api and /app-config.json proxied to the backend.
// Extra arguments go to `portico start` (e.g. --config my.yaml).
const fs = require('fs');
const path = require('path');
const { spawn, spawnSync } = require('child_process');
const { root } = require('./workspaces');

if (!fs.existsSync(path.join(root, 'packages/cli/dist/index.js'))) {
  const res = spawnSync(process.execPath, ['scripts/build.js', '--no-app'], { cwd: root, stdio: 'inherit' });
  if (res.status !== 0) process.exit(res.status ?? 1);
}

const backendPort = process.env.PORT ?? '7007';
const children = [
  spawn(process.execPath, ['packages/cli/bin/portico', 'start', ...process.argv.slice(2)], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, PORT: backendPort },
  }),
  spawn(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js')], {
    cwd: path.join(root, 'packages/app'),
    stdio: 'inherit',
    env: { ...process.env, PORTICO_BACKEND_URL: `http://localhost:${backendPort}` },
  }),
];

let stopping = false;
function stopAll(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 500).unref();
}
for (const child of children) child.on('exit', code => stopAll(code ?? 0));
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));
