#!/usr/bin/env node
// `npm start`: builds whatever is not built yet or out of date (node packages by their sources, the app by the stamp
// of its inputs: app.plugins and the sources it bundles), then runs `portico start` with the given arguments.
const fs = require('fs');
const path = require('path');
const { spawn, execFileSync } = require('child_process');
const { root, listWorkspaces } = require('./workspaces');
const { appBuildReason, readAppBuildStamp, writeAppBuildStamp } = require('./lib/appBuildStamp');

/** Newest modification time under a folder (0 when it does not exist). */
function newestMtime(dir, skip = () => false) {
  let newest = 0;
  if (!fs.existsSync(dir)) return newest;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (skip(full)) continue;
    const time = entry.isDirectory() ? newestMtime(full, skip) : fs.statSync(full).mtimeMs;
    if (time > newest) newest = time;
  }
  return newest;
}

const isTestFile = file => /\.test\.tsx?$/.test(file) || /__(fixtures|testUtils)__/.test(file);

function nodePackagesNeedBuild(workspaces) {
  return workspaces
    .filter(w => w.kind !== 'web' && fs.existsSync(path.join(w.dir, 'src')))
    .filter(w => {
      if (!fs.existsSync(path.join(w.dir, 'dist', 'index.js'))) return true;
      // tsc -b rewrites .tsbuildinfo whenever it rebuilds the package, even when index.js is unchanged.
      const stamp = [path.join(w.dir, 'dist', '.tsbuildinfo'), path.join(w.dir, 'dist', 'index.js')].find(f => fs.existsSync(f));
      return newestMtime(path.join(w.dir, 'src'), isTestFile) > fs.statSync(stamp).mtimeMs;
    })
    .map(w => w.name);
}

const workspaces = listWorkspaces();
const stale = nodePackagesNeedBuild(workspaces);
if (stale.length > 0) {
  console.log(`[start] building node packages (${stale.length} not built or out of date: ${stale.slice(0, 5).join(', ')}${stale.length > 5 ? ', ...' : ''})`);
  execFileSync(process.execPath, [path.join(__dirname, 'build.js'), '--no-app'], { stdio: 'inherit', cwd: root });
}

const app = workspaces.find(w => w.name === '@portico/app');
const appStale = app && app.pkg.scripts && app.pkg.scripts.build && appBuildReason(root, workspaces);
if (appStale) {
  console.log(`[start] building the app: ${appStale}`);
  const stamp = readAppBuildStamp(root, workspaces);
  execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit', cwd: app.dir });
  writeAppBuildStamp(root, stamp);
}

const child = spawn(process.execPath, [path.join(root, 'packages/cli/bin/portico'), 'start', ...process.argv.slice(2)], {
  stdio: 'inherit',
  cwd: process.cwd(),
});
// The backend handles SIGINT/SIGTERM itself; pass them on and exit with its code.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
