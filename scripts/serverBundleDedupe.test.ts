import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A package folder with its package.json and an index.js. */
function writePackage(dir: string, name: string, version: string, index: string) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version, main: 'index.js' }));
  fs.writeFileSync(path.join(dir, 'index.js'), index);
}

describe('the server bundle holds one copy of each package version', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-bundle-dedupe-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('resolves nested copies of one version to one file, and keeps other versions apart', async () => {
    const nm = path.join(root, 'node_modules');
    // as npm lays out express, send and type-is each with its own mime-types 3.0.2, and an older one hoisted
    writePackage(path.join(nm, 'table'), 'table', '1.0.0', "module.exports = 'table 1.0.0';");
    for (const owner of ['owner-a', 'owner-b']) {
      writePackage(path.join(nm, owner), owner, '1.0.0', "module.exports = require('table');");
      writePackage(path.join(nm, owner, 'node_modules', 'table'), 'table', '3.0.2', "globalThis.tableLoads = (globalThis.tableLoads || 0) + 1; module.exports = 'table 3.0.2';");
    }
    fs.writeFileSync(path.join(root, 'entry.js'), "exports.values = [require('owner-a'), require('owner-b'), require('table')];");

    // rolldown as the build runs it (in Node, outside jest's module system)
    const file = path.join(root, 'out.js');
    const script = `const { build } = require(require.resolve('rolldown', { paths: [${JSON.stringify(process.cwd())}] }));
const { dedupePackageVersions } = require(${JSON.stringify(path.join(__dirname, 'lib/serverBundle.js'))});
build({ input: 'entry.js', cwd: process.cwd(), platform: 'node', logLevel: 'silent', plugins: [dedupePackageVersions(process.cwd())], output: { file: 'out.js', format: 'cjs' } })
  .catch(error => { console.error(error); process.exit(1); });`;
    execFileSync(process.execPath, ['-e', script], { cwd: root, stdio: 'pipe' });

    const text = fs.readFileSync(file, 'utf8');
    // rolldown marks each module it holds with a comment naming its file
    const modules = text.match(/^\/\/ \S+\.js$/gm) ?? [];
    expect(modules.filter(m => m.endsWith('/table/index.js')).sort()).toEqual(['// node_modules/owner-a/node_modules/table/index.js', '// node_modules/table/index.js']);
    const loaded: { values: string[] } = { values: [] };
    new Function('exports', 'require', text)(loaded, require);
    expect(loaded.values).toEqual(['table 3.0.2', 'table 3.0.2', 'table 1.0.0']);
    expect((globalThis as { tableLoads?: number }).tableLoads).toBe(1);
  });
});
