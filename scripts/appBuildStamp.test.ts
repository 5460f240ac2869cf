import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const { appBuildReason, readAppBuildStamp, writeAppBuildStamp } = require('./lib/appBuildStamp') as {
  appBuildReason(root: string, workspaces: Workspace[], env?: Record<string, string | undefined>): string | undefined;
  readAppBuildStamp(root: string, workspaces: Workspace[], env?: Record<string, string | undefined>): object;
  writeAppBuildStamp(root: string, stamp: object): void;
};

interface Workspace {
  dir: string;
  name: string;
  kind: 'node' | 'web';
  pkg: { dependencies?: Record<string, string> };
}

/** A repository with the app, two frontend plugins and a node package the app imports. */
function fakeRepo() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-app-stamp-'));
  const workspace = (rel: string, name: string, kind: 'node' | 'web', dependencies: Record<string, string> = {}): Workspace => {
    const dir = path.join(root, rel);
    fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'src/index.ts'), 'export {};\n');
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, dependencies }));
    return { dir, name, kind, pkg: { dependencies } };
  };
  const workspaces = [
    workspace('packages/app', '@portico/app', 'web', { '@portico/catalog-model': '^0.1.0' }),
    workspace('packages/catalog-model', '@portico/catalog-model', 'node'),
    workspace('plugins/radar', '@acme/plugin-radar', 'web'),
    workspace('plugins/other', '@acme/plugin-other', 'web'),
  ];
  fs.writeFileSync(path.join(root, 'app-config.yaml'), "app:\n  plugins: ['@acme/plugin-other']\nbackend:\n  plugins: []\n");
  return { root, workspaces };
}

/** Builds the app as start.js does: stamp the inputs, write dist, save the stamp. */
function build(root: string, workspaces: Workspace[]) {
  const stamp = readAppBuildStamp(root, workspaces, {});
  fs.mkdirSync(path.join(root, 'packages/app/dist'), { recursive: true });
  fs.writeFileSync(path.join(root, 'packages/app/dist/index.html'), '<html></html>');
  writeAppBuildStamp(root, stamp);
}

/** Marks a file changed a minute from now, so it is newer than any build whatever the file system's clock grain. */
function touch(file: string) {
  fs.appendFileSync(file, '// changed\n');
  const later = new Date(Date.now() + 60_000);
  fs.utimesSync(file, later, later);
}

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
});

describe('the app build stamp', () => {
  it('asks for a build when the app was never built, and for none right after one', () => {
    const { root, workspaces } = fakeRepo();
    roots.push(root);
    expect(appBuildReason(root, workspaces, {})).toBe('not built yet');
    build(root, workspaces);
    expect(appBuildReason(root, workspaces, {})).toBeUndefined();
  });

  it('asks for a build when app.plugins lists another plugin, as `portico new plugin` does', () => {
    const { root, workspaces } = fakeRepo();
    roots.push(root);
    build(root, workspaces);
    fs.writeFileSync(path.join(root, 'app-config.yaml'), "app:\n  plugins: ['@acme/plugin-other', '@acme/plugin-radar']\nbackend:\n  plugins: []\n");
    expect(appBuildReason(root, workspaces, {})).toBe('app.plugins changed (@acme/plugin-other, @acme/plugin-radar)');
  });

  it('asks for a build when a bundled plugin or a package the app imports changed, not for an unlisted plugin or backend config', () => {
    const { root, workspaces } = fakeRepo();
    roots.push(root);
    build(root, workspaces);
    touch(path.join(root, 'plugins/radar/src/index.ts')); // not in app.plugins
    fs.writeFileSync(path.join(root, 'app-config.yaml'), "app:\n  plugins: ['@acme/plugin-other']\nbackend:\n  plugins: ['x']\n");
    expect(appBuildReason(root, workspaces, {})).toBeUndefined();
    touch(path.join(root, 'plugins/other/src/index.ts'));
    expect(appBuildReason(root, workspaces, {})).toBe('the source of the app or of a plugin it bundles changed');
    build(root, workspaces);
    expect(appBuildReason(root, workspaces, {})).toBeUndefined();
  });

  it('asks for a build when a package the app depends on changed', () => {
    const { root, workspaces } = fakeRepo();
    roots.push(root);
    build(root, workspaces);
    touch(path.join(root, 'packages/catalog-model/src/index.ts'));
    expect(appBuildReason(root, workspaces, {})).toBe('the source of the app or of a plugin it bundles changed');
  });

  it('counts an app built without a stamp as out of date', () => {
    const { root, workspaces } = fakeRepo();
    roots.push(root);
    fs.mkdirSync(path.join(root, 'packages/app/dist'), { recursive: true });
    fs.writeFileSync(path.join(root, 'packages/app/dist/index.html'), '<html></html>');
    expect(appBuildReason(root, workspaces, {})).toBe('built before its inputs were recorded');
  });
});
