import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/** The id app code imports to get the installed frontend plugins. */
export const PLUGINS_MODULE_ID = 'virtual:portico-plugins';
const RESOLVED_ID = `\0${PLUGINS_MODULE_ID}`;

interface ViteLikePlugin {
  name: string;
  resolveId(id: string): string | undefined;
  load(id: string): string | undefined;
  configureServer?(server: { watcher: { add(file: string): void } }): void;
}

/** Reads app.plugins from one config file; undefined when the file or the key is absent. */
function readAppPlugins(file: string): string[] | undefined {
  if (!fs.existsSync(file)) return undefined;
  const doc = parse(fs.readFileSync(file, 'utf8')) as { app?: { plugins?: unknown } } | null;
  const plugins = doc?.app?.plugins;
  if (plugins === undefined || plugins === null) return undefined;
  if (!Array.isArray(plugins) || !plugins.every(p => typeof p === 'string' && p.length > 0)) {
    throw new Error(`${file}: app.plugins must be a list of frontend plugin package names`);
  }
  return plugins;
}

/**
 * The frontend plugin packages to bundle: `PORTICO_APP_PLUGINS` (comma-separated) if set, else
 * app-config `app.plugins` (app-config.local.yaml wins when it
 * sets the key), else every installed web package (`"portico": { "kind": "web" }`) under plugins/ and
 * examples/plugins/.
 */
export function findPluginPackages(rootDir: string, configFiles?: string[], env = process.env): string[] {
  // a one-off build with other plugins, without touching app-config
  const fromEnv = env.PORTICO_APP_PLUGINS?.split(',').map(s => s.trim()).filter(Boolean);
  if (fromEnv?.length) return fromEnv;
  const files = configFiles ?? ['app-config.yaml', 'app-config.local.yaml'].map(f => path.join(rootDir, f));
  let listed: string[] | undefined;
  for (const file of files) listed = readAppPlugins(file) ?? listed;
  if (listed) return listed;
  const found: string[] = [];
  for (const group of ['plugins', 'examples/plugins']) {
    const base = path.join(rootDir, group);
    if (!fs.existsSync(base)) continue;
    for (const dir of fs.readdirSync(base).sort()) {
      const pj = path.join(base, dir, 'package.json');
      if (!fs.existsSync(pj)) continue;
      const pkg = JSON.parse(fs.readFileSync(pj, 'utf8')) as { name: string; main?: string; portico?: { kind?: string } };
      if (pkg.portico?.kind !== 'web') continue;
      // a package still being created (not linked, no entry yet) would fail the whole build
      const ready =
        fs.existsSync(path.join(rootDir, 'node_modules', pkg.name)) &&
        fs.existsSync(path.join(base, dir, pkg.main ?? 'src/index.ts'));
      if (!ready) {
        console.warn(`[portico-plugins] skipping ${pkg.name}: not installed or without its entry file yet`);
        continue;
      }
      found.push(pkg.name);
    }
  }
  return found;
}

/** The source of `virtual:portico-plugins`: each package's default export, in order. */
export function pluginsModuleSource(packages: string[]): string {
  const imports = packages.map((name, i) => `import plugin${i} from ${JSON.stringify(name)};`);
  return `${imports.join('\n')}\nexport default [${packages.map((_, i) => `plugin${i}`).join(', ')}];\n`;
}

/**
 * Vite plugin that turns app-config `app.plugins` into imports, so adding a plugin needs no TSX edit.
 */
export function porticoPlugins(options: { rootDir: string; configFiles?: string[] }): ViteLikePlugin {
  const configFiles = options.configFiles ?? ['app-config.yaml', 'app-config.local.yaml'].map(f => path.join(options.rootDir, f));
  return {
    name: 'portico-plugins',
    resolveId(id) {
      return id === PLUGINS_MODULE_ID ? RESOLVED_ID : undefined;
    },
    load(id) {
      if (id !== RESOLVED_ID) return undefined;
      return pluginsModuleSource(findPluginPackages(options.rootDir, configFiles));
    },
    configureServer(server) {
      for (const file of configFiles) server.watcher.add(file);
    },
  };
}
