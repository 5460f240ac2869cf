import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { catalogModuleBuiltinKinds, catalogPlugin } from '@portico/plugin-catalog-backend';
import { scorecardsPlugin } from '@portico/plugin-scorecards-backend';
import { createProgram } from '../index';
import { loadPluginKinds } from './pluginKinds';

const repoRoot = path.resolve(__dirname, '../../../..');
let dir: string;
let cwd: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'portico-validate-kinds-'));
  cwd = process.cwd();
  process.chdir(dir);
});
afterEach(() => {
  process.chdir(cwd);
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

/** A package in the config's node_modules that re-exports a workspace package (resolved to its source here). */
function shim(name: string, target: string) {
  write(`node_modules/${name}/package.json`, JSON.stringify({ name, main: 'index.js' }));
  write(`node_modules/${name}/index.js`, `module.exports = require(${JSON.stringify(target)});`);
}

/** A third-party plugin, as an author would write it, that adds a Widget kind. */
function widgetPlugin() {
  write('node_modules/widget-plugin/package.json', JSON.stringify({ name: 'widget-plugin', main: 'index.js' }));
  write(
    'node_modules/widget-plugin/index.js',
    `const { coreServices, createBackendPlugin } = require('@portico/backend-plugin-api');
const { catalogKindsExtensionPoint } = require('@portico/plugin-catalog-node');
const { z } = require(${JSON.stringify(require.resolve('zod'))});
let started = false;
module.exports = {
  started: () => started,
  default: createBackendPlugin({
    pluginId: 'widgets',
    register(env) {
      env.registerInit({
        deps: { kinds: catalogKindsExtensionPoint, database: coreServices.database },
        async init({ kinds, database }) {
          kinds.addKind({ apiVersions: ['widgets.example/v1'], kind: 'Widget', specSchema: z.object({ size: z.number() }).strict() });
          await database.migrate([]);
          started = true;
        },
      });
    },
  }),
};`,
  );
}

const SCORECARD = `apiVersion: portico.dev/v1alpha1
kind: Scorecard
metadata:
  name: readiness
spec:
  owner: group:default/platform
  filter: { kind: component }
  levels:
    - { name: Bronze, rank: 1 }
  rules:
    - id: has-owner
      type: binary
      params: { fact: catalog.hasOwner }
      level: Bronze
`;
const WIDGET = `apiVersion: widgets.example/v1
kind: Widget
metadata:
  name: sprocket
spec:
  size: 3
`;

async function validate(...args: string[]): Promise<string> {
  let out = '';
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
    out += String(chunk);
    return true;
  });
  try {
    process.exitCode = undefined;
    await createProgram().parseAsync(['node', 'portico', 'catalog', 'validate', ...args]);
  } finally {
    spy.mockRestore();
  }
  return out;
}

describe('kinds of the plugins in backend.plugins', () => {
  afterEach(() => {
    process.exitCode = undefined;
  });

  it('loads the Scorecard kind from the scorecards plugin without starting it', async () => {
    const loaded = await loadPluginKinds([catalogPlugin, catalogModuleBuiltinKinds, scorecardsPlugin]);
    expect(loaded.unloaded).toEqual([]);
    expect(loaded.kinds.map(k => k.kind)).toEqual(expect.arrayContaining(['Component', 'Scorecard']));
  });

  it('accepts Scorecards and any plugin kind listed in app-config.yaml, stopping each init at its first service', async () => {
    shim('catalog-backend', '@portico/plugin-catalog-backend');
    shim('scorecards-backend', '@portico/plugin-scorecards-backend');
    widgetPlugin();
    write('app-config.yaml', 'backend:\n  plugins:\n    - catalog-backend\n    - scorecards-backend\n    - widget-plugin\n');
    const files = [write('scorecard.yaml', SCORECARD), write('widget.yaml', WIDGET)];
    const out = await validate(...files);
    expect(out).toBe('2 entities in 2 files valid (1 Scorecard, 1 Widget)\n');
    expect(process.exitCode).toBeUndefined();
    // nothing was started: the plugin's init stopped at the database
    expect((require(path.join(dir, 'node_modules/widget-plugin/index.js')) as { started(): boolean }).started()).toBe(false);
  });

  it("checks a Scorecard with the plugin's own schema, naming the line", async () => {
    shim('scorecards-backend', '@portico/plugin-scorecards-backend');
    write('portal.yaml', 'backend:\n  plugins: [scorecards-backend]\n');
    const file = write('scorecard.yaml', SCORECARD.replace('type: binary', 'type: nonsense'));
    const out = await validate('--config', 'portal.yaml', file);
    expect(out).toContain(`${file}:12: `);
    expect(out).toContain("unknown rule type 'nonsense'");
    expect(process.exitCode).toBe(1);
  });

  it('knows only the built-in kinds without a config, and says so', async () => {
    const file = write('scorecard.yaml', SCORECARD);
    const out = await validate(file);
    expect(out).toContain('note: no app-config.yaml here: only the built-in kinds are known');
    expect(out).toMatch(/kind/i);
    expect(process.exitCode).toBe(1);
  });

  it('falls back to the built-in kinds, saying why, when the implicit app-config.yaml lists a package it cannot load', async () => {
    write('app-config.yaml', 'backend:\n  plugins: [not-installed]\n');
    const out = await validate(write('w.yaml', WIDGET));
    expect(out).toContain("note: only the built-in kinds are known: app-config.yaml: Invalid config at backend.plugins[0] ('not-installed'): cannot find package 'not-installed'");
    expect(process.exitCode).toBe(1);
    write('portal.yaml', 'backend:\n  plugins: [not-installed]\n');
    await expect(validate('--config', 'portal.yaml', write('x.yaml', WIDGET))).rejects.toThrow("backend.plugins[0] ('not-installed')");
  });

  it("validates the example scorecards with the repository's own app-config.yaml", async () => {
    process.chdir(repoRoot);
    const out = await validate(path.join(repoRoot, 'examples/scorecards/production-readiness.yaml'));
    expect(out).toBe('1 entity in 1 file valid (1 Scorecard)\n');
    expect(process.exitCode).toBeUndefined();
  });

  it('names a --config that cannot be read', async () => {
    await expect(validate('--config', 'missing.yaml', write('w.yaml', WIDGET))).rejects.toThrow(/cannot read .*missing\.yaml: ENOENT/);
  });
});
