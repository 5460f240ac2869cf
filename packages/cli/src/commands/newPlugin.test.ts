import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { createPluginPair, pluginNames, renameExample } from './newPlugin';

const repoRoot = path.resolve(__dirname, '../../../..');

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

function tempRepo(appConfig?: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-new-plugin-'));
  tempDirs.push(dir);
  for (const half of ['example', 'example-backend']) {
    fs.cpSync(path.join(repoRoot, 'examples/plugins', half), path.join(dir, 'examples/plugins', half), {
      recursive: true,
      filter: src => !/node_modules|[/\\]dist$/.test(src),
    });
  }
  if (appConfig !== undefined) fs.writeFileSync(path.join(dir, 'app-config.yaml'), appConfig);
  return dir;
}

const read = (file: string) => fs.readFileSync(file, 'utf8');

describe('pluginNames and renameExample', () => {
  it('spells a name for ids, variables, types and titles', () => {
    expect(pluginNames('cost-insights')).toEqual({
      kebab: 'cost-insights',
      camel: 'costInsights',
      pascal: 'CostInsights',
      title: 'Cost Insights',
      constant: 'COST_INSIGHTS',
    });
    expect(() => pluginNames('Cost Insights')).toThrow("Plugin name 'Cost Insights' must be lower-case words");
  });

  it('quotes a kebab name used as an object key in code', () => {
    const names = pluginNames('cost-insights');
    expect(renameExample("config: { example: { greeting: 'hi' } }", names, '@portico', { code: true })).toBe(
      "config: { 'cost-insights': { greeting: 'hi' } }",
    );
    expect(renameExample('example:\n  greeting: hi', names, '@portico')).toBe('cost-insights:\n  greeting: hi');
  });

  it('rewrites package names, identifiers, ids, paths and titles but not examples/', () => {
    const names = pluginNames('cost-insights');
    const text = [
      "import { examplePlugin, ExampleApi } from '@portico/example';",
      "backend.plugins: ['@portico/example-backend']",
      "PageBlueprint({ path: '/example', title: 'Example' }); getBaseUrl('example');",
      'see examples/plugins/example',
    ].join('\n');
    expect(renameExample(text, names, '@acme')).toBe(
      [
        "import { costInsightsPlugin, CostInsightsApi } from '@acme/plugin-cost-insights';",
        "backend.plugins: ['@acme/plugin-cost-insights-backend']",
        "PageBlueprint({ path: '/cost-insights', title: 'Cost Insights' }); getBaseUrl('cost-insights');",
        'see examples/plugins/cost-insights',
      ].join('\n'),
    );
  });
});

describe('createPluginPair', () => {
  it('creates the pair from the example and installs it in app-config, keeping comments', () => {
    const dir = tempRepo('# the portal\nbackend:\n  plugins:\n    - \'@portico/plugin-catalog-backend\' # the catalog\napp:\n  plugins:\n    - \'@portico/plugin-catalog\'\n');
    const created = createPluginPair({ rootDir: dir, name: 'cost-insights', install: false });

    expect(created.backendDir).toBe(path.join(dir, 'plugins/cost-insights-backend'));
    expect(created.frontendDir).toBe(path.join(dir, 'plugins/cost-insights'));
    const frontendPj = JSON.parse(read(path.join(created.frontendDir, 'package.json')));
    expect(frontendPj).toMatchObject({ name: '@portico/plugin-cost-insights', portico: { kind: 'web' } });
    expect(frontendPj.private).toBeUndefined();
    expect(JSON.parse(read(path.join(created.backendDir, 'package.json'))).name).toBe('@portico/plugin-cost-insights-backend');

    const plugin = read(path.join(created.frontendDir, 'src/plugin.ts'));
    expect(plugin).toContain("id: 'cost-insights'");
    expect(plugin).toContain("path: '/cost-insights', title: 'Cost Insights'");
    expect(plugin).toContain("import('./components/CostInsightsPage')");
    expect(fs.existsSync(path.join(created.frontendDir, 'src/components/CostInsightsPage.tsx'))).toBe(true);
    expect(read(path.join(created.backendDir, 'src/plugin.ts'))).toContain("pluginId: 'cost-insights'");
    for (const file of created.files) {
      expect(read(file)).not.toMatch(/(?<![A-Za-z])example(?!s)/i);
    }
    expect(created.files.some(f => f.endsWith('tsconfig.build.json'))).toBe(false);

    const configText = read(path.join(dir, 'app-config.yaml'));
    expect(configText).toContain('# the catalog');
    expect(parse(configText)).toEqual({
      backend: { plugins: ['@portico/plugin-catalog-backend', '@portico/plugin-cost-insights-backend'] },
      app: { plugins: ['@portico/plugin-catalog', '@portico/plugin-cost-insights'] },
    });
  });

  it('puts the extension point in a -node package that the backend imports', () => {
    const dir = tempRepo('backend:\n  plugins: []\n');
    const created = createPluginPair({ rootDir: dir, name: 'cost-insights', install: false });

    expect(created.nodeDir).toBe(path.join(dir, 'plugins/cost-insights-node'));
    expect(created.nodePackage).toBe('@portico/plugin-cost-insights-node');
    const nodePj = JSON.parse(read(path.join(created.nodeDir, 'package.json')));
    expect(nodePj).toMatchObject({ name: '@portico/plugin-cost-insights-node', dependencies: { '@portico/backend-plugin-api': expect.any(String) } });
    expect(read(path.join(created.nodeDir, 'src/extensions.ts'))).toContain("createExtensionPoint<CostInsightsDecoratorsExtensionPoint>");
    expect(read(path.join(created.nodeDir, 'src/index.ts'))).toContain("export * from './extensions'");
    expect(fs.existsSync(path.join(created.backendDir, 'src/extensions.ts'))).toBe(false);
    const backendPj = JSON.parse(read(path.join(created.backendDir, 'package.json')));
    expect(backendPj.dependencies['@portico/plugin-cost-insights-node']).toBe('^0.1.0');
    expect(read(path.join(created.backendDir, 'src/plugin.ts'))).toContain("from '@portico/plugin-cost-insights-node'");
    expect(read(path.join(created.backendDir, 'src/module.ts'))).toContain("from '@portico/plugin-cost-insights-node'");
    for (const file of created.files) expect(fs.existsSync(file)).toBe(true);
  });

  it('generates the current shapes: typed routes and config parsed once by the host', () => {
    const dir = tempRepo('backend:\n  plugins: []\n');
    const created = createPluginPair({ rootDir: dir, name: 'cost-insights', install: false });

    expect(read(path.join(created.backendDir, 'src/router.ts'))).toContain('createRouteRegistry(');
    expect(read(path.join(created.backendDir, 'src/plugin.ts'))).toContain('{ pluginConfig }');
  });

  it('leaves app.plugins unset when the app bundles every plugin, and creates backend.plugins', () => {
    const dir = tempRepo('app:\n  title: Acme\n');
    const logs: string[] = [];
    createPluginPair({ rootDir: dir, name: 'radar', install: false, scope: '@acme', log: m => logs.push(m) });
    expect(parse(read(path.join(dir, 'app-config.yaml')))).toEqual({
      app: { title: 'Acme' },
      backend: { plugins: ['@acme/plugin-radar-backend'] },
    });
    expect(logs.join('\n')).toContain('app.plugins is not set');
  });

  it('refuses to overwrite an existing plugin and a bad name', () => {
    const dir = tempRepo('');
    fs.mkdirSync(path.join(dir, 'plugins/radar'), { recursive: true });
    expect(() => createPluginPair({ rootDir: dir, name: 'radar', install: false })).toThrow('plugins/radar already exists');
    expect(() => createPluginPair({ rootDir: dir, name: 'Radar!', install: false })).toThrow("Plugin name 'Radar!'");
    expect(fs.existsSync(path.join(dir, 'plugins/radar-backend'))).toBe(false);
  });
});
