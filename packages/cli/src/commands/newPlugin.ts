import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { isMap, isSeq, parseDocument, type Document } from 'yaml';

/** The spellings of a plugin name that the example's text uses. */
export interface PluginNames {
  /** `my-thing`: plugin id, paths, config key, CSS ids. */
  kebab: string;
  /** `myThing`: the prefix of variables (`myThingPlugin`). */
  camel: string;
  /** `MyThing`: the prefix of types and components (`MyThingPage`). */
  pascal: string;
  /** `My Thing`: what people read (page title, nav item). */
  title: string;
  /** `MY_THING` */
  constant: string;
}

const NAME_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export function pluginNames(name: string): PluginNames {
  if (!NAME_PATTERN.test(name)) {
    throw new Error(`Plugin name '${name}' must be lower-case words joined by '-', e.g. 'my-thing'`);
  }
  const words = name.split('-');
  const cap = (w: string) => w[0].toUpperCase() + w.slice(1);
  return {
    kebab: name,
    camel: words[0] + words.slice(1).map(cap).join(''),
    pascal: words.map(cap).join(''),
    title: words.map(cap).join(' '),
    constant: words.join('_').toUpperCase(),
  };
}

/**
 * Rewrites the example pair's text for a new plugin: package names first, then `example` as an
 * identifier prefix (camel/Pascal), then as a word (id, path, title). `examples/` is left alone.
 */
export function renameExample(text: string, names: PluginNames, scope: string, options: { code?: boolean } = {}): string {
  // in code, `{ example: ... }` becomes `{ 'my-thing': ... }`: a kebab name is not a bare object key
  const keyed =
    options.code && names.kebab.includes('-')
      ? text.replace(/(?<![\w'"./-])example(?=\s*:(?!:))/g, `'${names.kebab}'`)
      : text;
  return keyed
    .replace(/@portico\/example-backend\b/g, `${scope}/plugin-${names.kebab}-backend`)
    .replace(/@portico\/example(?![\w-])/g, `${scope}/plugin-${names.kebab}`)
    .replace(/(?<![A-Za-z])example(?=[A-Z0-9])/g, names.camel)
    .replace(/(?<![A-Za-z])Example(?=[A-Z0-9a-z])/g, names.pascal)
    .replace(/(?<![A-Za-z])EXAMPLE(?![A-Za-z])/g, names.constant)
    .replace(/(?<![A-Za-z])example(?![A-Za-z])/g, names.kebab)
    .replace(/(?<![A-Za-z])Example(?![A-Za-z])/g, names.title);
}

const SKIP = new Set(['node_modules', 'dist', 'tsconfig.build.json', '.tsbuildinfo']);

function copyRenamed(from: string, to: string, rename: (text: string, code: boolean) => string): string[] {
  const written: string[] = [];
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    if (SKIP.has(entry.name) || entry.name.endsWith('.tsbuildinfo')) continue;
    const source = path.join(from, entry.name);
    const target = path.join(to, rename(entry.name, false));
    if (entry.isDirectory()) written.push(...copyRenamed(source, target, rename));
    else {
      fs.writeFileSync(target, rename(fs.readFileSync(source, 'utf8'), /\.(ts|tsx|js)$/.test(entry.name)));
      written.push(target);
    }
  }
  return written;
}

/** Appends `value` to the list at `keyPath`, creating it; returns false when it was already there. */
function addToList(doc: Document, keyPath: string[], value: string): boolean {
  const node = doc.getIn(keyPath, true);
  if (node === undefined || node === null) {
    doc.setIn(keyPath, doc.createNode([value]));
    return true;
  }
  if (!isSeq(node)) throw new Error(`app-config.yaml: ${keyPath.join('.')} must be a list`);
  if (node.items.some(item => String((item as { value?: unknown }).value ?? item) === value)) return false;
  node.add(doc.createNode(value));
  return true;
}

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
  /** plugins/NAME-node: the plugin's extension points, for modules in other packages. */
  nodeDir: string;
  frontendPackage: string;
  backendPackage: string;
  nodePackage: string;
  files: string[];
}

/**
 * Moves the backend's `src/extensions.ts` into its own plugins/NAME-node package, as the repository's
 * plugins do: a module in another package depends on the -node package, not on the backend.
 */
function extractNodePackage(backendDir: string, nodeDir: string, nodePackage: string, title: string): string[] {
  const backendPjPath = path.join(backendDir, 'package.json');
  const backendPj = JSON.parse(fs.readFileSync(backendPjPath, 'utf8')) as Record<string, unknown> & { dependencies?: Record<string, string> };
  const apiVersion = backendPj.dependencies?.['@portico/backend-plugin-api'] ?? '^0.1.0';
  fs.mkdirSync(path.join(nodeDir, 'src'), { recursive: true });
  const moved = path.join(nodeDir, 'src/extensions.ts');
  fs.renameSync(path.join(backendDir, 'src/extensions.ts'), moved);
  const index = path.join(nodeDir, 'src/index.ts');
  fs.writeFileSync(index, `/** ${nodePackage}: the extension points of the ${title} plugin, for modules in other packages. */
export * from './extensions';
`);
  const pj = {
    name: nodePackage,
    version: '0.1.0',
    description: `The ${title} plugin's extension points: what a module in another package imports to extend it.`,
    license: backendPj.license ?? 'Apache-2.0',
    main: 'dist/index.js',
    types: 'dist/index.d.ts',
    files: ['dist'],
    scripts: {},
    dependencies: { '@portico/backend-plugin-api': apiVersion },
    exports: backendPj.exports,
  };
  const pjPath = path.join(nodeDir, 'package.json');
  fs.writeFileSync(pjPath, `${JSON.stringify(pj, null, 2)}\n`);
  const readme = path.join(nodeDir, 'README.md');
  fs.writeFileSync(
    readme,
    `# ${nodePackage}\n\nThe extension points of the ${title} plugin. A module that extends the plugin from another package\n` +
      `depends on this package (and \`@portico/backend-plugin-api\`), never on the backend package itself.\n`,
  );
  // The backend imports its extension points from the -node package now.
  const rewrite = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) rewrite(file);
      else if (/\.tsx?$/.test(entry.name)) {
        const text = fs.readFileSync(file, 'utf8');
        const next = text.replace(/(['"])\.{1,2}(?:\/\.\.)*\/extensions\1/g, `'${nodePackage}'`);
        if (next !== text) fs.writeFileSync(file, next);
      }
    }
  };
  rewrite(path.join(backendDir, 'src'));
  backendPj.dependencies = { ...backendPj.dependencies, [nodePackage]: '^0.1.0' };
  fs.writeFileSync(backendPjPath, `${JSON.stringify(backendPj, null, 2)}\n`);
  return [moved, index, pjPath, readme];
}

/**
 * Creates plugins/NAME-backend, plugins/NAME-node and plugins/NAME from the example pair, and installs them in
 * app-config.yaml: `backend.plugins` gets the backend package; `app.plugins` gets the frontend
 * package when the app lists its plugins (otherwise the app bundles every web package under plugins/).
 */
export function createPluginPair(options: CreatePluginPairOptions): CreatedPluginPair {
  const { rootDir, scope = '@portico', install = true } = options;
  const log = options.log ?? (() => {});
  const names = pluginNames(options.name);
  const rename = (text: string, code: boolean) => renameExample(text, names, scope, { code });
  const templates = path.join(rootDir, 'examples/plugins');
  const pairs = [
    { from: path.join(templates, 'example-backend'), to: path.join(rootDir, 'plugins', `${names.kebab}-backend`) },
    { from: path.join(templates, 'example'), to: path.join(rootDir, 'plugins', names.kebab) },
  ];
  for (const { from, to } of pairs) {
    if (!fs.existsSync(path.join(from, 'package.json'))) throw new Error(`The template ${path.relative(rootDir, from)} is missing`);
    if (fs.existsSync(to)) throw new Error(`${path.relative(rootDir, to)} already exists`);
  }
  if (fs.existsSync(path.join(rootDir, 'plugins', `${names.kebab}-node`))) throw new Error(`plugins/${names.kebab}-node already exists`);

  const files: string[] = [];
  for (const { from, to } of pairs) {
    files.push(...copyRenamed(from, to, rename));
    const pjPath = path.join(to, 'package.json');
    const pj = JSON.parse(fs.readFileSync(pjPath, 'utf8')) as Record<string, unknown>;
    delete pj.private;
    pj.version = '0.1.0';
    fs.writeFileSync(pjPath, `${JSON.stringify(pj, null, 2)}\n`);
    log(`created ${path.relative(rootDir, to)} (${pj.name as string})`);
  }
  const backendPackage = `${scope}/plugin-${names.kebab}-backend`;
  const frontendPackage = `${scope}/plugin-${names.kebab}`;
  const nodePackage = `${scope}/plugin-${names.kebab}-node`;
  const nodeDir = path.join(rootDir, 'plugins', `${names.kebab}-node`);
  const movedFrom = path.join(pairs[0].to, 'src/extensions.ts');
  const nodeFiles = extractNodePackage(pairs[0].to, nodeDir, nodePackage, names.title);
  files.splice(files.indexOf(movedFrom), 1, ...nodeFiles);
  log(`created ${path.relative(rootDir, nodeDir)} (${nodePackage}) with the plugin's extension points`);

  const configPath = path.join(rootDir, 'app-config.yaml');
  const doc = parseDocument(fs.existsSync(configPath) ? fs.readFileSync(configPath, 'utf8') : '');
  if (doc.errors.length) throw new Error(`app-config.yaml: ${doc.errors[0].message}`);
  if (doc.contents !== null && !isMap(doc.contents)) throw new Error('app-config.yaml must be a mapping');
  if (addToList(doc, ['backend', 'plugins'], backendPackage)) log(`added ${backendPackage} to backend.plugins`);
  if (doc.hasIn(['app', 'plugins'])) {
    if (addToList(doc, ['app', 'plugins'], frontendPackage)) log(`added ${frontendPackage} to app.plugins`);
  } else {
    log(`app.plugins is not set: the app bundles every web package under plugins/, ${frontendPackage} included`);
  }
  fs.writeFileSync(configPath, doc.toString());

  if (install) {
    log('npm install (links the new workspaces)');
    const res = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: rootDir, stdio: 'inherit' });
    if (res.status !== 0) throw new Error(`npm install exited with ${res.status}`);
  }
  return {
    frontendDir: pairs[1].to,
    backendDir: pairs[0].to,
    nodeDir,
    frontendPackage,
    backendPackage,
    nodePackage,
    files,
  };
}

function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj) && (JSON.parse(fs.readFileSync(pj, 'utf8')) as { workspaces?: unknown }).workspaces) return dir;
    if (path.dirname(dir) === dir) throw new Error(`No npm workspaces root above ${start}`);
  }
}

/** `portico new plugin NAME`: a frontend/backend plugin pair from the example, wired in. */
export function registerNewPluginCommand(program: Command): void {
  const create = program.commands.find(c => c.name() === 'new') ?? program.command('new').description('Create things from templates');
  create
    .command('plugin <name>')
    .description('Create plugins/NAME-backend, plugins/NAME-node (its extension points) and plugins/NAME from the example pair, installed in app-config.yaml')
    .option('--scope <scope>', 'npm scope of the new packages', '@portico')
    .option('--skip-install', 'do not run npm install afterwards')
    .action((name: string, options: { scope: string; skipInstall?: boolean }) => {
      try {
        const created = createPluginPair({
          rootDir: findRepoRoot(process.cwd()),
          name,
          scope: options.scope,
          install: !options.skipInstall,
          log: message => console.log(message),
        });
        console.log(
          `\nDone. Try: npx jest ${path.relative(process.cwd(), created.backendDir)} ${path.relative(process.cwd(), created.frontendDir)}`,
        );
      } catch (error) {
        console.error(`portico new plugin failed: ${(error as Error).message}`);
        process.exitCode = 1;
      }
    });
}
