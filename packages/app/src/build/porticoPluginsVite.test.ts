import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findPluginPackages, pluginsModuleSource, porticoPlugins, PLUGINS_MODULE_ID } from './porticoPluginsVite';

function tempRepo(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-app-'));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

describe('porticoPlugins (vite)', () => {
  it('imports the packages listed in app.plugins, app-config.local.yaml winning', () => {
    const dir = tempRepo({
      'app-config.yaml': 'app:\n  plugins: ["@portico/plugin-catalog"]\n',
      'app-config.local.yaml': 'app:\n  plugins: ["@portico/plugin-catalog", "@acme/plugin-example"]\n',
    });
    expect(findPluginPackages(dir)).toEqual(['@portico/plugin-catalog', '@acme/plugin-example']);
  });

  it('falls back to the installed web packages under plugins/ and examples/plugins/', () => {
    const dir = tempRepo({
      'app-config.yaml': 'backend: {}\n',
      'plugins/catalog/package.json': JSON.stringify({ name: '@portico/plugin-catalog', portico: { kind: 'web' } }),
      'plugins/catalog-backend/package.json': JSON.stringify({ name: '@portico/plugin-catalog-backend' }),
      'packages/app/package.json': JSON.stringify({ name: '@portico/app', portico: { kind: 'web' } }),
      'examples/plugins/example/package.json': JSON.stringify({ name: '@portico/example', portico: { kind: 'web' } }),
      'plugins/new-one/package.json': JSON.stringify({ name: '@portico/plugin-new-one', portico: { kind: 'web' } }),
      'plugins/catalog/src/index.ts': 'export default {};',
      'examples/plugins/example/src/index.ts': 'export default {};',
      'plugins/half-done/package.json': JSON.stringify({ name: '@portico/plugin-half-done', portico: { kind: 'web' } }),
      'node_modules/@portico/plugin-half-done/package.json': '{}',
      'node_modules/@portico/plugin-catalog/package.json': '{}',
      'node_modules/@portico/example/package.json': '{}',
    });
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    expect(findPluginPackages(dir)).toEqual(['@portico/plugin-catalog', '@portico/example']);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('skipping @portico/plugin-new-one: not installed'));
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('skipping @portico/plugin-half-done'));
    warn.mockRestore();
  });

  it('lets PORTICO_APP_PLUGINS override app-config for one build', () => {
    const dir = tempRepo({ 'app-config.yaml': 'app:\n  plugins: ["a"]\n' });
    expect(findPluginPackages(dir, undefined, { PORTICO_APP_PLUGINS: 'b, c' })).toEqual(['b', 'c']);
    expect(findPluginPackages(dir, undefined, {})).toEqual(['a']);
  });

  it('rejects an app.plugins that is not a list of names', () => {
    const dir = tempRepo({ 'app-config.yaml': 'app:\n  plugins: catalog\n' });
    expect(() => findPluginPackages(dir)).toThrow('app.plugins must be a list of frontend plugin package names');
  });

  it('serves a virtual module that default-exports the plugins in order', () => {
    expect(pluginsModuleSource(['a', '@b/c'])).toBe(
      'import plugin0 from "a";\nimport plugin1 from "@b/c";\nexport default [plugin0, plugin1];\n',
    );
    const dir = tempRepo({ 'app-config.yaml': 'app:\n  plugins: ["x"]\n' });
    const plugin = porticoPlugins({ rootDir: dir });
    const id = plugin.resolveId(PLUGINS_MODULE_ID);
    expect(id).toBeDefined();
    expect(plugin.resolveId('react')).toBeUndefined();
    expect(plugin.load(id!)).toContain('import plugin0 from "x";');
  });
});
