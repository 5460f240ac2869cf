// Whether the built app (packages/app/dist) is out of date: a stamp of its inputs is written next to it after each
// build, so `npm start` rebuilds when app.plugins lists other plugins or when the source of the app, of a plugin it
// bundles or of a package those import changed since, and not otherwise.
const fs = require('fs');
const path = require('path');
const { parse } = require('yaml');

const STAMP = '.portico-build-stamp.json';

/** Newest modification time under a folder, tests and build output left out (0 when it does not exist). */
function newestMtime(dir) {
  if (!fs.existsSync(dir)) return 0;
  if (!fs.statSync(dir).isDirectory()) return fs.statSync(dir).mtimeMs;
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** The frontend plugins the app bundles, as its Vite plugin finds them (`PORTICO_APP_PLUGINS`, then app.plugins). */
function bundledPlugins(root, workspaces, env = process.env) {
  const fromEnv = env.PORTICO_APP_PLUGINS?.split(',').map(s => s.trim()).filter(Boolean);
  if (fromEnv?.length) return fromEnv;
  let listed;
  for (const file of ['app-config.yaml', 'app-config.local.yaml'].map(f => path.join(root, f))) {
    if (!fs.existsSync(file)) continue;
    const plugins = parse(fs.readFileSync(file, 'utf8'))?.app?.plugins;
    if (plugins !== undefined && plugins !== null) listed = plugins;
  }
  // Without app.plugins the app bundles every web package under plugins/ and examples/plugins/.
  return listed ?? workspaces.filter(w => w.kind === 'web' && w.name !== '@portico/app').map(w => w.name).sort();
}

/** What the app bundle is made of: the plugins it lists and the newest source among the packages it reaches. */
function appBuildInputs(root, workspaces, env = process.env) {
  const plugins = bundledPlugins(root, workspaces, env);
  const byName = new Map(workspaces.map(w => [w.name, w]));
  const reached = new Set();
  const visit = name => {
    const w = byName.get(name);
    if (!w || reached.has(w)) return;
    reached.add(w);
    // devDependencies are the tests' (the app's testing helpers), not the bundle's
    for (const dep of Object.keys(w.pkg.dependencies ?? {})) visit(dep);
  };
  for (const name of ['@portico/app', ...plugins]) visit(name);
  const sources = [...reached].flatMap(w => [path.join(w.dir, 'src'), path.join(w.dir, 'package.json')]);
  sources.push(path.join(root, 'packages/app/index.html'), path.join(root, 'packages/app/vite.config.mts'));
  return { plugins, newestSource: Math.max(0, ...sources.map(newestMtime)) };
}

/** Why the app must be built again, or undefined when its build is current. */
function appBuildReason(root, workspaces, env = process.env) {
  const dist = path.join(root, 'packages/app/dist');
  if (!fs.existsSync(path.join(dist, 'index.html'))) return 'not built yet';
  let stamp;
  try {
    stamp = JSON.parse(fs.readFileSync(path.join(dist, STAMP), 'utf8'));
  } catch {
    return 'built before its inputs were recorded';
  }
  const inputs = appBuildInputs(root, workspaces, env);
  if (JSON.stringify(stamp.plugins) !== JSON.stringify(inputs.plugins)) return `app.plugins changed (${inputs.plugins.join(', ') || 'none'})`;
  if (inputs.newestSource > stamp.builtFrom) return 'the source of the app or of a plugin it bundles changed';
  return undefined;
}

/** Records the inputs of a build that is about to start (so a file saved during the build counts as newer). */
function readAppBuildStamp(root, workspaces, env = process.env) {
  const inputs = appBuildInputs(root, workspaces, env);
  return { plugins: inputs.plugins, builtFrom: inputs.newestSource };
}

function writeAppBuildStamp(root, stamp) {
  fs.writeFileSync(path.join(root, 'packages/app/dist', STAMP), `${JSON.stringify(stamp, null, 2)}\n`);
}

module.exports = { appBuildInputs, appBuildReason, readAppBuildStamp, writeAppBuildStamp, STAMP };
