import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { addToConfigList } from './appConfigLists';
import { pluginNames } from './pluginNames';
import { pluginPairFiles } from './pluginTemplates';

export { pluginNames, type PluginNames } from './pluginNames';

export interface CreatePluginPairOptions {
  /** The repository root (the folder with the workspaces package.json). */
  rootDir: string;
  name: string;
  /** npm scope of the new packages. Default: `@portico`. */
  scope?: string;
  /** Run `npm install` to link the new workspaces. Default: true. */
  install?: boolean;
  log?: (message: string) => void;
}

export interface CreatedPluginPair {
  frontendDir: string;
  backendDir: string;
  frontendPackage: string;
  backendPackage: string;
  files: string[];
}

function writeFiles(dir: string, files: Record<string, string>): string[] {
  return Object.entries(files).map(([name, text]) => {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  });
}

/**
 * Creates plugins/NAME-backend and plugins/NAME, a minimal pair (one table and one route; one page and one entity
 * card; their tests and READMEs), and installs it in app-config.yaml without touching the rest of the file:
 * `backend.plugins` gets the backend package; `app.plugins` gets the frontend package when the app lists its
 * plugins (otherwise the app bundles every web package under plugins/).
 */
export function createPluginPair(options: CreatePluginPairOptions): CreatedPluginPair {
  const { rootDir, scope = '@portico', install = true } = options;
  const log = options.log ?? (() => {});
  const names = pluginNames(options.name);
  const backendDir = path.join(rootDir, 'plugins', `${names.kebab}-backend`);
  const frontendDir = path.join(rootDir, 'plugins', names.kebab);
  for (const dir of [backendDir, frontendDir]) {
    if (fs.existsSync(dir)) throw new Error(`${path.relative(rootDir, dir)} already exists`);
  }
  const configPath = path.join(rootDir, 'app-config.yaml');
  let configText = fs.existsSync(configPath) ? fs.readFileSync(configPath, 'utf8') : '';
  const listsApp = parseDocument(configText).hasIn(['app', 'plugins']);

  const backendPackage = `${scope}/plugin-${names.kebab}-backend`;
  const frontendPackage = `${scope}/plugin-${names.kebab}`;
  const templates = pluginPairFiles(names, scope);
  const files = [...writeFiles(backendDir, templates.backend), ...writeFiles(frontendDir, templates.frontend)];
  log(`created ${path.relative(rootDir, backendDir)} (${backendPackage})`);
  log(`created ${path.relative(rootDir, frontendDir)} (${frontendPackage})`);

  const backendList = addToConfigList(configText, ['backend', 'plugins'], backendPackage);
  configText = backendList.text;
  if (backendList.added) log(`added ${backendPackage} to backend.plugins`);
  if (listsApp) {
    const appList = addToConfigList(configText, ['app', 'plugins'], frontendPackage);
    configText = appList.text;
    if (appList.added) log(`added ${frontendPackage} to app.plugins`);
  } else {
    log(`app.plugins is not set: the app bundles every web package under plugins/, ${frontendPackage} included`);
  }
  fs.writeFileSync(configPath, configText);

  if (install) {
    log('npm install (links the new workspaces)');
    const res = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: rootDir, stdio: 'inherit' });
    if (res.status !== 0) throw new Error(`npm install exited with ${res.status}`);
  }
  return { frontendDir, backendDir, frontendPackage, backendPackage, files };
}
