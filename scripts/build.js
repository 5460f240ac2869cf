#!/usr/bin/env node
// Builds every package: tsc (project references, incremental) for node packages (CommonJS and declarations) and for
// web packages (declarations only: Vite bundles them from source), then Vite for the app. `--no-app` (what `npm start`
// and `npm run dev` use) builds only the node packages: the app bundle and the web packages' declarations serve
// publishing, not running the portal.
// Writes each package's tsconfig.build.json from its package.json (scripts/lib/tsconfigs.js) so references never drift.
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const { root, listWorkspaces } = require('./workspaces');
const { readAppBuildStamp, writeAppBuildStamp } = require('./lib/appBuildStamp');
const { packageTsconfig, solutionTsconfig } = require('./lib/tsconfigs');
const { buildServerBundle, writeCodeCache } = require('./lib/serverBundle');

const noApp = process.argv.includes('--no-app');
const workspaces = listWorkspaces();
const nodePkgs = workspaces.filter(w => w.kind !== 'web');
const byName = new Map(workspaces.map(w => [w.name, w]));

/** Writes a JSON file unless it already holds exactly that (so tsc -b sees no change). */
function writeJson(file, value) {
  const text = JSON.stringify(value, null, 2) + '\n';
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text) fs.writeFileSync(file, text);
}

for (const w of workspaces) writeJson(path.join(w.dir, 'tsconfig.build.json'), packageTsconfig(root, w, byName));
writeJson(path.join(root, 'tsconfig.build.json'), solutionTsconfig(workspaces));

const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
const tsc = require.resolve('typescript/bin/tsc');
if (noApp) {
  console.log('[build] tsc -b (node packages)');
  run(process.execPath, [tsc, '-b', ...nodePkgs.map(w => `${w.rel}/tsconfig.build.json`)]);
} else {
  console.log('[build] tsc -b (node packages; declarations of web packages)');
  run(process.execPath, [tsc, '-b', 'tsconfig.build.json']);
}

// The one-file server `portico start` loads (scripts/lib/serverBundle.js), when a package in it changed.
(async () => {
  if ((await buildServerBundle(root, workspaces)) === 'built') writeCodeCache(root);
  buildApp();
  console.log('[build] done');
})().catch(error => {
  console.error(error);
  process.exit(1);
});

function buildApp() {
  const app = workspaces.find(w => w.name === '@portico/app');
  if (!app || !app.pkg.scripts || !app.pkg.scripts.build || noApp) return;
  console.log('[build] app (vite)');
  const stamp = readAppBuildStamp(root, workspaces);
  run('npm', ['run', 'build', '--silent'], { cwd: app.dir });
  writeAppBuildStamp(root, stamp); // what `npm start` compares to decide whether the app is out of date
}
