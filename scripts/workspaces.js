// Lists the workspace packages with their folder, name, kind (node | web) and workspace dependencies.
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');

function listWorkspaces() {
  const rootPkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const out = [];
  for (const pattern of rootPkg.workspaces) {
    const base = path.join(root, pattern.replace('/*', ''));
    if (!fs.existsSync(base)) continue;
    for (const dir of fs.readdirSync(base).sort()) {
      const pjPath = path.join(base, dir, 'package.json');
      if (!fs.existsSync(pjPath)) continue;
      const pj = JSON.parse(fs.readFileSync(pjPath, 'utf8'));
      out.push({
        dir: path.join(base, dir),
        rel: path.relative(root, path.join(base, dir)),
        name: pj.name,
        pkg: pj,
        // web packages are bundled by Vite from source; node packages are compiled by tsc
        kind: pj.portico?.kind ?? 'node',
      });
    }
  }
  const names = new Set(out.map(w => w.name));
  for (const w of out) {
    const deps = { ...w.pkg.dependencies, ...w.pkg.devDependencies };
    w.deps = Object.keys(deps).filter(d => names.has(d));
  }
  return out;
}

module.exports = { root, listWorkspaces };
