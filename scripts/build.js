#!/usr/bin/env node
// Builds every package: tsc (project references, incremental) for node packages, then Vite for the app.
// Writes each node package's tsconfig.build.json from its package.json so references never drift.
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const { root, listWorkspaces } = require('./workspaces');
const { readAppBuildStamp, writeAppBuildStamp } = require('./lib/appBuildStamp');

const workspaces = listWorkspaces();
const nodePkgs = workspaces.filter(w => w.kind !== 'web');
const byName = new Map(workspaces.map(w => [w.name, w]));

for (const w of nodePkgs) {
  const references = w.deps
    .map(d => byName.get(d))
    .filter(d => d && d.kind !== 'web')
    .map(d => ({ path: path.relative(w.dir, path.join(d.dir, 'tsconfig.build.json')) }));
  const tsconfig = {
    extends: path.relative(w.dir, path.join(root, 'tsconfig.base.json')),
    compilerOptions: { composite: true, rootDir: 'src', outDir: 'dist', tsBuildInfoFile: 'dist/.tsbuildinfo' },
    include: ['src'],
    exclude: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'src/**/__fixtures__/**', 'src/**/__testUtils__/**'],
    references,
  };
  const file = path.join(w.dir, 'tsconfig.build.json');
  const text = JSON.stringify(tsconfig, null, 2) + '\n';
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text) fs.writeFileSync(file, text);
}

const solution = {
  files: [],
  references: nodePkgs.map(w => ({ path: `./${w.rel}/tsconfig.build.json` })),
};
fs.writeFileSync(path.join(root, 'tsconfig.build.json'), JSON.stringify(solution, null, 2) + '\n');

const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
console.log('[build] tsc -b (node packages)');
run(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', 'tsconfig.build.json']);

const app = workspaces.find(w => w.name === '@portico/app');
if (app && app.pkg.scripts && app.pkg.scripts.build && !process.argv.includes('--no-app')) {
  console.log('[build] app (vite)');
  const stamp = readAppBuildStamp(root, workspaces);
  run('npm', ['run', 'build', '--silent'], { cwd: app.dir });
  writeAppBuildStamp(root, stamp); // what `npm start` compares to decide whether the app is out of date
}
console.log('[build] done');
