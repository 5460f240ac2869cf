// `npm ci` prints no EBADENGINE warning: every package the lockfile installs supports the Node versions we declare
// (the root package.json's engines.node, from its lowest version up), as npm checks it on install.
import fs from 'node:fs';
import path from 'node:path';

// semver (a root devDependency) is what npm itself checks engines with; only the part used here is typed
const semver = require('semver') as {
  satisfies(version: string, range: string, options?: { includePrerelease?: boolean }): boolean;
  minVersion(range: string): { version: string } | null;
};

const root = path.resolve(__dirname, '..');
const rootPkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  engines: { node: string };
};
type LockPackages = Record<string, { name?: string; version?: string; engines?: Record<string, string> | string[]; link?: boolean }>;
const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: LockPackages };

/**
 * The packages of a lockfile whose engines.node (or engines.npm) the given version does not satisfy, as
 * `name@version (node range) at location`: what npm warns about with EBADENGINE.
 */
function unsupportedOn(packages: LockPackages, version: string, engine: 'node' | 'npm' = 'node'): string[] {
  const out: string[] = [];
  for (const [location, entry] of Object.entries(packages)) {
    if (location === '' || entry.link) continue;
    // npm reads engines from the object form only (it ignores the old array form)
    const range = entry.engines && !Array.isArray(entry.engines) ? entry.engines[engine] : undefined;
    if (range === undefined) continue;
    if (!semver.satisfies(version, range, { includePrerelease: true })) {
      const name = entry.name ?? location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length);
      out.push(`${name}@${entry.version} (${engine} ${range}) at ${location}`);
    }
  }
  return out;
}

describe('engines of the installed dependencies', () => {
  const lowest = semver.minVersion(rootPkg.engines.node)!.version;

  it('declares the Node versions we support', () => {
    expect(lowest).toBe('20.19.0');
  });

  it('installs nothing that refuses the lowest Node version we declare (no EBADENGINE on npm ci)', () => {
    expect(unsupportedOn(lock.packages, lowest)).toEqual([]);
  });

  it('installs nothing that refuses the Node running the tests', () => {
    expect(unsupportedOn(lock.packages, process.versions.node)).toEqual([]);
  });

  it('installs nothing that refuses the npm Node 20.19.0 comes with (10.8.2)', () => {
    expect(unsupportedOn(lock.packages, '10.8.2', 'npm')).toEqual([]);
  });

  it('reports a package that asks for a newer Node, as npm would warn about it', () => {
    // what the lockfile held before the root overrides: Octokit's request pulled in content-type 3.x (node >=22)
    const before: LockPackages = {
      '': { name: 'portico', engines: { node: '>=20.19' } },
      'node_modules/content-type': { version: '2.1.0', engines: { node: '>=18' } },
      'plugins/github-backend/node_modules/content-type': { version: '3.1.1', engines: { node: '>=22' } },
      'node_modules/old-style': { version: '1.0.0', engines: ['node >=99'] },
      'node_modules/new-npm': { version: '1.0.0', engines: { node: '>=18', npm: '>=11' } },
      'node_modules/@portico/plugin-catalog': { link: true },
    };
    expect(unsupportedOn(before, lowest)).toEqual(['content-type@3.1.1 (node >=22) at plugins/github-backend/node_modules/content-type']);
    expect(unsupportedOn(before, '22.0.0')).toEqual([]);
    expect(unsupportedOn(before, '10.8.2', 'npm')).toEqual(['new-npm@1.0.0 (npm >=11) at node_modules/new-npm']);
  });
});
