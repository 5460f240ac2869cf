// Every published workspace package ships type declarations: its package.json names .d.ts files (`types`, and the
// `types` condition of each export), and the build config scripts/build.js writes for it emits exactly those files.
// Checked from the configs with TypeScript's own parser (extends resolved), so no build is needed.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { pluginNames } from '../packages/cli/src/commands/pluginNames';
import { pluginPairFiles } from '../packages/cli/src/commands/pluginTemplates';

// CommonJS helpers shared with scripts/build.js
const { listWorkspaces } = require('./workspaces') as { listWorkspaces(): Workspace[] };
const tsconfigs = require('./lib/tsconfigs') as {
  declarationDir(w: Workspace): string;
  declarationFor(w: Workspace, sourceFile: string): string;
  packageTsconfig(root: string, w: Workspace, byName: Map<string, Workspace>): Record<string, unknown>;
  solutionTsconfig(workspaces: Workspace[]): { references: Array<{ path: string }> };
};

interface PackageJson {
  name: string;
  private?: boolean;
  main?: string;
  types?: string;
  exports?: Record<string, string | Record<string, string>>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  scripts?: Record<string, string>;
}
interface Workspace {
  dir: string;
  rel: string;
  name: string;
  kind: 'node' | 'web';
  pkg: PackageJson;
  deps: string[];
}

const root = path.resolve(__dirname, '..');
const workspaces = listWorkspaces();
const byName = new Map(workspaces.map(w => [w.name, w]));
const published = workspaces.filter(w => !w.pkg.private);

/** The compiler options and files of the tsconfig.build.json scripts/build.js writes for a package. */
function buildConfig(w: Workspace): ts.ParsedCommandLine {
  const json = tsconfigs.packageTsconfig(root, w, byName);
  const parsed = ts.parseJsonConfigFileContent(json, ts.sys, w.dir, undefined, path.join(w.dir, 'tsconfig.build.json'));
  if (parsed.errors.length > 0) throw new Error(`${w.name}: ${ts.formatDiagnostics(parsed.errors, { getCanonicalFileName: f => f, getCurrentDirectory: () => root, getNewLine: () => '\n' })}`);
  return parsed;
}

/** The package's entry points: subpath, source file and the declaration file package.json names for it. */
function entryPoints(w: Workspace): Array<{ subpath: string; source?: string; types?: string; runtime?: string }> {
  return Object.entries(w.pkg.exports ?? {})
    .filter(([subpath]) => subpath !== './package.json')
    .map(([subpath, target]) =>
      typeof target === 'string' ? { subpath, runtime: target } : { subpath, source: target.source, types: target.types, runtime: target.default },
    );
}

describe('type declarations of the published packages', () => {
  it('covers the web packages too: every frontend package is published and built like the node ones', () => {
    const names = published.map(w => w.name);
    for (const name of ['@portico/frontend-plugin-api', '@portico/core-components', '@portico/app', '@portico/plugin-catalog', '@portico/plugin-catalog-react', '@portico/plugin-scorecards', '@portico/plugin-scaffolder', '@portico/plugin-github', '@portico/plugin-pagerduty', '@portico/plugin-jira']) {
      expect(names).toContain(name);
    }
    expect(published.filter(w => w.kind === 'web').length).toBeGreaterThanOrEqual(10);
    expect(published.filter(w => w.kind !== 'web').length).toBeGreaterThanOrEqual(20);
  });

  it.each(published.map(w => [w.name, w] as const))('%s: package.json points types at the declarations its build emits', (_name, w) => {
    const entries = entryPoints(w);
    expect(entries.map(e => e.subpath)).toContain('.');
    const outDir = tsconfigs.declarationDir(w);
    for (const entry of entries) {
      // every entry point has a source under src/ and a `types` condition naming the .d.ts tsc emits for that source
      expect({ subpath: entry.subpath, source: entry.source, types: entry.types }).toEqual({
        subpath: entry.subpath,
        source: expect.stringMatching(/^\.\/src\/.+\.tsx?$/),
        types: expect.stringMatching(new RegExp(`^\\./${outDir}/.+\\.d\\.ts$`)),
      });
      expect(fs.existsSync(path.join(w.dir, entry.source!))).toBe(true);
      expect(entry.types).toBe(tsconfigs.declarationFor(w, entry.source!));
      if (w.kind === 'web') {
        expect(entry.runtime).toBe(entry.source); // bundled from source by Vite
      } else {
        expect(entry.runtime).toBe(entry.types!.replace(/\.d\.ts$/, '.js'));
      }
    }
    const main = entries.find(e => e.subpath === '.')!;
    // the top-level `types` is what tools that ignore `exports` read
    expect(`./${w.pkg.types}`).toBe(main.types);
    if (w.kind !== 'web') expect(`./${w.pkg.main}`).toBe(main.runtime);
  });

  it.each(published.map(w => [w.name, w] as const))('%s: its build config emits declarations for every entry point into the named folder', (_name, w) => {
    const config = buildConfig(w);
    const { options } = config;
    expect(options.noEmit).toBeFalsy();
    expect(options.declaration || options.composite).toBe(true);
    expect(options.composite).toBe(true); // built by tsc -b with the project references below
    expect(path.resolve(options.outDir!)).toBe(path.join(w.dir, tsconfigs.declarationDir(w)));
    expect(path.resolve(options.rootDir!)).toBe(path.join(w.dir, 'src'));
    // web packages: declarations only (Vite bundles the code), never into the folder a bundler of its own empties
    expect(Boolean(options.emitDeclarationOnly)).toBe(w.kind === 'web');
    if (w.pkg.scripts?.build) expect(tsconfigs.declarationDir(w)).not.toBe('dist');

    const files = new Set(config.fileNames.map(f => path.resolve(f)));
    for (const entry of entryPoints(w)) expect(files).toContain(path.join(w.dir, entry.source!));
    expect([...files].filter(f => /\.test\.tsx?$|__(fixtures|testUtils)__/.test(f))).toEqual([]);

    // every workspace package it imports at run time is built (and its declarations emitted) before it
    const referenced = (config.projectReferences ?? []).map(r => path.resolve(r.path));
    const runtimeDeps = Object.keys({ ...w.pkg.dependencies, ...w.pkg.peerDependencies }).filter(d => byName.has(d));
    for (const dep of runtimeDeps) expect(referenced).toContain(path.join(byName.get(dep)!.dir, 'tsconfig.build.json'));
  });

  it('generates plugin pairs (`portico new plugin`) whose package.json names the declarations their build emits', () => {
    const pair = pluginPairFiles(pluginNames('cost-insights'), '@acme');
    for (const [folder, files] of [['cost-insights-backend', pair.backend], ['cost-insights', pair.frontend]] as const) {
      const pkg = JSON.parse(files['package.json']) as PackageJson & { portico?: { kind?: 'node' | 'web' } };
      const w: Workspace = { dir: path.join(root, 'plugins', folder), rel: `plugins/${folder}`, name: pkg.name, kind: pkg.portico?.kind ?? 'node', pkg, deps: [] };
      const entries = entryPoints(w);
      expect(entries.map(e => e.subpath)).toEqual(['.']);
      const [main] = entries;
      expect(Object.keys(files)).toContain(main.source!.replace(/^\.\//, ''));
      expect(main.types).toBe(tsconfigs.declarationFor(w, main.source!));
      expect(`./${pkg.types}`).toBe(main.types);
      expect(main.runtime).toBe(w.kind === 'web' ? main.source : './dist/index.js');
    }
  });

  it('builds every package with `npm run build`: the solution references each one', () => {
    const solution = tsconfigs.solutionTsconfig(workspaces);
    const referenced = solution.references.map(r => path.resolve(root, r.path));
    for (const w of published) expect(referenced).toContain(path.join(w.dir, 'tsconfig.build.json'));
  });

  it('keeps the emitted declarations out of git', () => {
    const ignored = fs.readFileSync(path.join(root, '.gitignore'), 'utf8').split('\n').map(l => l.trim());
    for (const dir of new Set(published.map(w => tsconfigs.declarationDir(w)))) expect(ignored).toContain(`${dir}/`);
  });
});
