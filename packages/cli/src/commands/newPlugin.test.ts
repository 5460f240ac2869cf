import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { createPluginPair, pluginNames } from './newPlugin';

const repoRoot = path.resolve(__dirname, '../../../..');

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A folder to create plugins in; under node_modules/.cache when the generated code must resolve `@portico/*`. */
function tempRepo(appConfig?: string, options: { resolvable?: boolean } = {}): string {
  const base = options.resolvable ? path.join(repoRoot, 'node_modules', '.cache') : os.tmpdir();
  fs.mkdirSync(base, { recursive: true });
  const dir = fs.mkdtempSync(path.join(base, 'portico-new-plugin-'));
  tempDirs.push(dir);
  if (appConfig !== undefined) fs.writeFileSync(path.join(dir, 'app-config.yaml'), appConfig);
  return dir;
}

const read = (file: string) => fs.readFileSync(file, 'utf8');
const count = (text: string, what: string) => text.split(what).length - 1;

describe('pluginNames', () => {
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
});

describe('createPluginPair', () => {
  it("installs the pair in the repository's app-config with one line each, leaving every other line as it was", () => {
    const original = read(path.join(repoRoot, 'app-config.yaml'));
    const dir = tempRepo(original);
    createPluginPair({ rootDir: dir, name: 'cost-insights', install: false });
    const lines = read(path.join(dir, 'app-config.yaml')).split('\n');
    const added = lines.filter(line => line.includes('plugin-cost-insights'));
    expect(added).toEqual(["    - '@portico/plugin-cost-insights'", "    - '@portico/plugin-cost-insights-backend'"]);
    expect(lines.filter(line => !line.includes('plugin-cost-insights'))).toEqual(original.split('\n'));
    const config = parse(lines.join('\n'));
    expect(config.app.plugins.at(-1)).toBe('@portico/plugin-cost-insights');
    expect(config.backend.plugins.at(-1)).toBe('@portico/plugin-cost-insights-backend');
  });

  it('generates a minimal pair of its own: one table, one route, one page, one card, their tests and READMEs', () => {
    const dir = tempRepo('backend:\n  plugins: []\n');
    const created = createPluginPair({ rootDir: dir, name: 'cost-insights', install: false });
    const relative = created.files.map(file => path.relative(dir, file)).sort();
    expect(relative).toEqual(
      [
        'plugins/cost-insights-backend/README.md',
        'plugins/cost-insights-backend/package.json',
        'plugins/cost-insights-backend/src/database/ItemStore.test.ts',
        'plugins/cost-insights-backend/src/database/ItemStore.ts',
        'plugins/cost-insights-backend/src/database/migrations.ts',
        'plugins/cost-insights-backend/src/index.ts',
        'plugins/cost-insights-backend/src/plugin.test.ts',
        'plugins/cost-insights-backend/src/plugin.ts',
        'plugins/cost-insights-backend/src/router.ts',
        'plugins/cost-insights/README.md',
        'plugins/cost-insights/package.json',
        'plugins/cost-insights/src/api/CostInsightsApi.ts',
        'plugins/cost-insights/src/api/CostInsightsClient.ts',
        'plugins/cost-insights/src/components/CostInsightsCard.test.tsx',
        'plugins/cost-insights/src/components/CostInsightsCard.tsx',
        'plugins/cost-insights/src/components/CostInsightsPage.test.tsx',
        'plugins/cost-insights/src/components/CostInsightsPage.tsx',
        'plugins/cost-insights/src/index.ts',
        'plugins/cost-insights/src/plugin.ts',
      ].sort(),
    );
    const code = created.files.filter(file => !file.endsWith('README.md')).map(read).join('\n');
    // nothing of the rich example (the READMEs point to it): no greeting, things, ThingStore, extension point
    expect(code).not.toMatch(/\b(examples?|greeting|things?)\b|ThingStore|ExtensionPoint|template/i);
    expect(created.files.filter(file => file.endsWith('README.md')).map(read).join('\n')).not.toMatch(/template plugin authors copy/i);
    expect(count(read(path.join(created.backendDir, 'src/router.ts')), 'routes.route(')).toBe(1);
    expect(count(read(path.join(created.backendDir, 'src/database/migrations.ts')), 'createTable(')).toBe(1);
    const frontendPlugin = read(path.join(created.frontendDir, 'src/plugin.ts'));
    expect(count(frontendPlugin, 'PageBlueprint(')).toBe(1);
    expect(count(frontendPlugin, 'EntityCardBlueprint(')).toBe(1);
    expect(frontendPlugin).toContain("id: 'cost-insights'");
    expect(JSON.parse(read(path.join(created.frontendDir, 'package.json')))).toMatchObject({ name: '@portico/plugin-cost-insights', portico: { kind: 'web' } });
    expect(JSON.parse(read(path.join(created.backendDir, 'package.json'))).name).toBe('@portico/plugin-cost-insights-backend');
    expect(read(path.join(created.backendDir, 'README.md'))).toContain('# @portico/plugin-cost-insights-backend');
  });

  it('generates code that compiles under the repository\'s strict settings, tests included', () => {
    const dir = tempRepo('', { resolvable: true });
    createPluginPair({ rootDir: dir, name: 'cost-insights', install: false });
    fs.writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({ extends: path.join(repoRoot, 'tsconfig.json'), compilerOptions: { noEmit: true }, include: ['plugins/*/src'] }),
    );
    const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = spawnSync(process.execPath, [tsc, '-p', path.join(dir, 'tsconfig.json'), '--pretty', 'false'], { cwd: dir, encoding: 'utf8', timeout: 170_000 });
    expect(`${result.stdout}${result.stderr}`.split('\n').filter(line => line.includes('error TS'))).toEqual([]);
    expect(result.status).toBe(0);
  }, 180_000);

  it('leaves app.plugins unset when the app bundles every plugin, and creates backend.plugins', () => {
    const dir = tempRepo('app:\n  title: Acme\n');
    const logs: string[] = [];
    createPluginPair({ rootDir: dir, name: 'radar', install: false, scope: '@acme', log: m => logs.push(m) });
    expect(read(path.join(dir, 'app-config.yaml'))).toBe("app:\n  title: Acme\nbackend:\n  plugins:\n    - '@acme/plugin-radar-backend'\n");
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
