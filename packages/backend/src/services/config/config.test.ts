import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '@portico/errors';
import { loadConfig } from './loadConfig';
import { rootConfigServiceFactory, configServiceFactory } from './rootConfigServiceFactory';
import { ConfigReader } from './ConfigReader';

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-config-'));
  tempDirs.push(dir);
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  return dir;
}

describe('loadConfig', () => {
  it('reads app-config.yaml then app-config.local.yaml, later keys winning and arrays replaced', async () => {
    const cwd = tempDir({
      'app-config.yaml': 'app:\n  title: Base\n  tags: [a, b, c]\n  nested: { keep: 1, change: 1 }\n',
      'app-config.local.yaml': 'app:\n  tags: [z]\n  nested: { change: 2 }\n',
    });
    const config = await loadConfig({ cwd, env: {} });
    expect(config.getString('app.title')).toBe('Base');
    expect(config.getStringArray('app.tags')).toEqual(['z']);
    expect(config.get('app.nested')).toEqual({ keep: 1, change: 2 });
  });

  it('works without app-config.local.yaml', async () => {
    const cwd = tempDir({ 'app-config.yaml': 'app: { title: Only }\n' });
    const config = await loadConfig({ cwd, env: {} });
    expect(config.getString('app.title')).toBe('Only');
  });

  it('replaces the default pair with the --config files given, in order', async () => {
    const cwd = tempDir({
      'app-config.yaml': 'app: { title: Default }\n',
      'app-config.local.yaml': 'app: { local: true }\n',
      'one.yaml': 'app: { title: One, list: [1, 2] }\n',
      'two.yaml': 'app: { list: [3] }\n',
    });
    const config = await loadConfig({ cwd, env: {}, argv: ['node', 'portico', '--config', 'one.yaml', '--config=two.yaml'] });
    expect(config.getString('app.title')).toBe('One');
    expect(config.get('app.list')).toEqual([3]);
    expect(config.has('app.local')).toBe(false);

    const viaPaths = await loadConfig({ cwd, env: {}, configPaths: ['two.yaml'] });
    expect(viaPaths.getOptionalString('app.title')).toBeUndefined();
  });

  it('substitutes ${VAR} from the environment and keeps $${VAR} literal', async () => {
    const config = await loadConfig({
      config: { app: { url: 'http://${HOST}:8080', literal: '$${HOST}', list: ['${HOST}'] } },
      env: { HOST: 'example.org' },
    });
    expect(config.getString('app.url')).toBe('http://example.org:8080');
    expect(config.getString('app.literal')).toBe('${HOST}');
    expect(config.getStringArray('app.list')).toEqual(['example.org']);
  });

  it('names the config path and the variable when a variable is missing', async () => {
    await expect(loadConfig({ config: { app: { secret: { token: '${GITHUB_TOKEN}' } } }, env: {} })).rejects.toThrow(
      /'app\.secret\.token'.*'GITHUB_TOKEN'/,
    );
  });

  it('lets PORT override backend.listen.port, which defaults to 7007', async () => {
    expect((await loadConfig({ config: {}, env: {} })).getNumber('backend.listen.port')).toBe(7007);
    const config = await loadConfig({ config: { backend: { listen: { port: 8000, host: '0.0.0.0' } } }, env: { PORT: '7111' } });
    expect(config.getNumber('backend.listen.port')).toBe(7111);
    expect(config.getString('backend.listen.host')).toBe('0.0.0.0');
  });

  it('derives the default backend.baseUrl from the port used, PORT included, and keeps a configured one', async () => {
    expect((await loadConfig({ config: {}, env: {} })).getString('backend.baseUrl')).toBe('http://localhost:7007');
    expect((await loadConfig({ config: {}, env: { PORT: '7301' } })).getString('backend.baseUrl')).toBe('http://localhost:7301');
    expect((await loadConfig({ config: { backend: { listen: { port: 8000 } } }, env: {} })).getString('backend.baseUrl')).toBe('http://localhost:8000');
    const configured = await loadConfig({ config: { backend: { baseUrl: 'https://portal.example.com' } }, env: { PORT: '7301' } });
    expect(configured.getString('backend.baseUrl')).toBe('https://portal.example.com');
    expect((await loadConfig({ config: { backend: { listen: { port: 0 } } }, env: {} })).getOptionalString('backend.baseUrl')).toBeUndefined();
  });

  it("reads the repository's app-config.yaml with PORT=7301 as a portal at http://localhost:7301", async () => {
    const config = await loadConfig({ cwd: path.resolve(__dirname, '../../../../..'), configPaths: ['app-config.yaml'], env: { PORT: '7301' } });
    expect(config.getString('backend.baseUrl')).toBe('http://localhost:7301');
  });

  it('applies backend defaults: dataDir ./data and the SQLite client', async () => {
    const config = await loadConfig({ config: {}, env: {} });
    expect(config.getString('backend.dataDir')).toBe('./data');
    expect(config.getString('backend.database.client')).toBe('better-sqlite3');
  });

  it('refuses an unknown database client, naming backend.database.client', async () => {
    const error = await loadConfig({ config: { backend: { database: { client: 'mongo' } } }, env: {} }).catch(e => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('backend.database.client');
  });

  it('refuses a bad onBootFailure value, naming its path', async () => {
    await expect(
      loadConfig({ config: { backend: { startup: { plugins: { catalog: { onBootFailure: 'ignore' } } } } }, env: {} }),
    ).rejects.toThrow(/backend\.startup\.plugins\.catalog\.onBootFailure/);
  });

  it('names the file and the line of malformed YAML', async () => {
    const cwd = tempDir({ 'app-config.yaml': 'app:\n  title: ok\n  bad: [unclosed\nother: 1\n' });
    const error = await loadConfig({ cwd, env: {} }).catch(e => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain(path.join(cwd, 'app-config.yaml'));
    expect(error.message).toMatch(/line \d+/);
  });

  it('fails on a --config file that does not exist', async () => {
    await expect(loadConfig({ cwd: tempDir({}), env: {}, configPaths: ['missing.yaml'] })).rejects.toThrow(/missing\.yaml/);
  });
});

describe('ConfigReader', () => {
  const reader = new ConfigReader({
    a: { s: 'x', n: 3, b: true, list: ['p', 'q'], items: [{ id: 1 }, { id: 2 }], mixed: ['ok', 5] },
  });

  it('reads typed values and nested configs', () => {
    expect(reader.getString('a.s')).toBe('x');
    expect(reader.getNumber('a.n')).toBe(3);
    expect(reader.getBoolean('a.b')).toBe(true);
    expect(reader.getStringArray('a.list')).toEqual(['p', 'q']);
    expect(reader.getConfig('a').keys()).toEqual(['s', 'n', 'b', 'list', 'items', 'mixed']);
    expect(reader.getConfigArray('a.items').map(c => c.getNumber('id'))).toEqual([1, 2]);
    expect(reader.has('a.s')).toBe(true);
    expect(reader.has('a.nope')).toBe(false);
    expect(reader.getOptional('a.nope')).toBeUndefined();
    expect(reader.get()).toHaveProperty('a');
  });

  it('names the full dot path and the expected type on errors', () => {
    expect(() => reader.getNumber('a.s')).toThrow("Invalid type in config for key 'a.s': expected a number, got string");
    expect(() => reader.getConfig('a').getBoolean('n')).toThrow("key 'a.n': expected a boolean");
    expect(() => reader.getStringArray('a.mixed')).toThrow("key 'a.mixed[1]': expected a string, got number");
    expect(() => reader.getConfigArray('a.items')[1].getString('id')).toThrow("key 'a.items[1].id'");
    expect(() => reader.getConfig('a').getString('missing')).toThrow("Missing required config value at 'a.missing'");
  });

  it('parses a section with zod and names the failing path', () => {
    expect(reader.parse('a', z.object({ n: z.number() }))).toEqual({ n: 3 });
    expect(() => reader.parse('a', z.object({ s: z.number() }))).toThrow(/'a\.s'/);
    expect(() => reader.parse('a', z.object({ s: z.number() }))).toThrow(ConfigError);
  });
});

describe('config service factories', () => {
  it('builds the root config from a config object and hands plugins the same config', async () => {
    const root = rootConfigServiceFactory({ config: { app: { title: 'T' } } });
    const config = (await root.factory({}, undefined)) as ConfigReader;
    expect(config.getString('app.title')).toBe('T');
    const plugin = await configServiceFactory.factory({ rootConfig: config }, undefined);
    expect(plugin).toBe(config);
  });
});

describe('ConfigReader.parse', () => {
  afterEach(() => jest.restoreAllMocks());

  it("parses without zod's JIT, which would compile a parser (new Function) for each object schema parsed once at start", () => {
    const shape = () => z.object({ host: z.string(), port: z.number().int(), tls: z.object({ enabled: z.boolean() }).optional() });
    const viaReader = shape();
    const direct = shape();
    const compiled = jest.spyOn(globalThis, 'Function');
    const config = new ConfigReader({ server: { host: 'localhost', port: 7007, tls: { enabled: true } } });
    expect(config.parse('server', viaReader)).toEqual({ host: 'localhost', port: 7007, tls: { enabled: true } });
    expect(() => config.parse('server.host', viaReader)).toThrow(ConfigError);
    expect(compiled).not.toHaveBeenCalled();
    // the same schema parsed with zod's defaults compiles one: what the reader spares
    expect(direct.safeParse({ host: 'localhost', port: 7007 }).success).toBe(true);
    expect(compiled).toHaveBeenCalled();
  });
});
