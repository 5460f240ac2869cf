// Runs the workspace's TypeScript sources directly (no `npm run build` needed): @portico/* resolve to
// their src/index.ts as in jest, and .ts files are transpiled by @swc/core into an on-disk cache so a
// warm start costs no compilation.
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const Module = require('module');

const root = path.resolve(__dirname, '../..');
const cacheDir = process.env.PORTICO_BENCH_CACHE || path.join(require('os').tmpdir(), 'portico-bench-swc-cache');
fs.mkdirSync(cacheDir, { recursive: true });

const workspaces = new Map();
for (const pattern of require(path.join(root, 'package.json')).workspaces) {
  const base = path.join(root, pattern.replace('/*', ''));
  if (!fs.existsSync(base)) continue;
  for (const dir of fs.readdirSync(base)) {
    const pj = path.join(base, dir, 'package.json');
    if (!fs.existsSync(pj)) continue;
    const src = path.join(base, dir, 'src');
    if (fs.existsSync(path.join(src, 'index.ts'))) workspaces.set(JSON.parse(fs.readFileSync(pj, 'utf8')).name, src);
  }
}

const originalResolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  if (request.startsWith('@portico/')) {
    const parts = request.split('/');
    const name = parts.slice(0, 2).join('/');
    const src = workspaces.get(name);
    if (src) {
      const sub = parts.slice(2).join('/');
      if (!sub) return path.join(src, 'index.ts');
      if (sub !== 'package.json') return originalResolve.call(this, path.join(src, sub), parent, ...rest);
    }
  }
  return originalResolve.call(this, request, parent, ...rest);
};

const swcrc = JSON.parse(fs.readFileSync(path.join(root, '.swcrc'), 'utf8'));
delete swcrc.$schema;
let swc;
function compile(source, filename) {
  const key = crypto.createHash('sha1').update(filename).update('\0').update(source).digest('hex');
  const cached = path.join(cacheDir, `${key}.js`);
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {}
  swc = swc || require('@swc/core');
  const { code } = swc.transformSync(source, { ...swcrc, filename, sourceMaps: 'inline', swcrc: false });
  fs.writeFileSync(cached, code);
  return code;
}
for (const ext of ['.ts', '.tsx']) {
  Module._extensions[ext] = function (module, filename) {
    module._compile(compile(fs.readFileSync(filename, 'utf8'), filename), filename);
  };
}
