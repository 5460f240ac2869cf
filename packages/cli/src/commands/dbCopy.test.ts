import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import type { BackendFeature } from '@portico/backend-plugin-api';
import catalogPlugin from '@portico/plugin-catalog-backend';
import { scaffolderPlugin } from '@portico/plugin-scaffolder-backend';
import { scorecardsPlugin } from '@portico/plugin-scorecards-backend';
import { createTestDatabase, eventually, startTestBackend, type TestBackend, type TestDatabase } from '@portico/test-utils';
import { createProgram } from '../index';

const ORG = `apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: team-a }
spec: { type: team, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: platform }
spec: { type: team, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: search, description: Finds the needle in the haystack }
spec: { type: service, lifecycle: production, owner: team-a }
---
apiVersion: portico.dev/v1alpha1
kind: Scorecard
metadata: { name: readiness }
spec:
  owner: group:default/platform
  filter: { kind: component }
  levels: [{ name: Bronze, rank: 1 }, { name: Gold, rank: 2 }]
  rules:
    - { id: has-owner, type: binary, params: { fact: catalog.hasOwner }, level: Bronze }
    - { id: coverage, type: target, params: { fact: coverage.percent, min: 80 }, level: Gold }
---
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: { name: hello, title: Hello }
spec:
  owner: group:default/team-a
  type: service
  parameters:
    - title: Name
      required: [name]
      properties: { name: { type: string } }
  steps:
    - id: greet
      name: Greet
      action: debug:log
      input: { message: 'Hello \${{ parameters.name }}' }
`;
const LATER = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: billing }
spec: { type: service, lifecycle: production, owner: team-a }
`;

const features: BackendFeature[] = [catalogPlugin, scorecardsPlugin, scaffolderPlugin];
const PACKAGES = ['@portico/plugin-catalog-backend', '@portico/plugin-scorecards-backend', '@portico/plugin-scaffolder-backend'];

let dir: string;
let previousCwd: string;
let pg: TestDatabase & { destroy(): Promise<void> };
const backends: TestBackend[] = [];

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

/** backend.plugins as the CLI resolves them from the config's directory: packages that re-export the workspace's sources. */
function shimPackages(): string[] {
  return PACKAGES.map(name => {
    const local = name.replace('@portico/plugin-', 'portal-');
    write(`node_modules/${local}/package.json`, JSON.stringify({ name: local, main: 'index.js' }));
    write(`node_modules/${local}/index.js`, `module.exports = require(${JSON.stringify(name)});`);
    return local;
  });
}

function portalConfig(database: Record<string, unknown>): Record<string, unknown> {
  return {
    backend: { database, dataDir: path.join(dir, 'data') },
    integrations: { file: { roots: [path.join(dir, 'catalog')] } },
    scaffolder: { pollInterval: 50, workingDirectory: path.join(dir, 'work') },
  };
}

function writeConfig(name: string, database: Record<string, unknown>, plugins: string[]): string {
  const config = portalConfig(database) as { backend: Record<string, unknown> };
  return write(name, JSON.stringify({ ...config, backend: { ...config.backend, plugins } }, null, 2));
}

async function start(database: Record<string, unknown>): Promise<TestBackend> {
  const backend = await startTestBackend({ features, config: portalConfig(database) });
  backends.push(backend);
  return backend;
}

async function stop(backend: TestBackend): Promise<void> {
  backends.splice(backends.indexOf(backend), 1);
  await backend.stop();
}

/** The JSON answers are read loosely, as supertest's `res.body` is. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type JsonAnswer = { status: number; body: any };

async function api(backend: TestBackend, method: string, pathname: string, body?: unknown): Promise<JsonAnswer> {
  const res = await fetch(`${backend.url}${pathname}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Runs `portico db copy ...` in `dir`; returns what it printed and its exit code. */
async function dbCopy(...args: string[]): Promise<{ out: string; err: string; code: number }> {
  let out = '';
  let err = '';
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(chunk => ((out += String(chunk)), true));
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(chunk => ((err += String(chunk)), true));
  try {
    process.exitCode = undefined;
    await createProgram().parseAsync(['node', 'portico', 'db', 'copy', ...args]);
    return { out, err, code: Number(process.exitCode ?? 0) };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
    process.exitCode = undefined;
  }
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'portico-db-copy-'));
  previousCwd = process.cwd();
  process.chdir(dir);
  pg = await createTestDatabase('pg');
});

afterAll(async () => {
  for (const backend of backends.splice(0)) await backend.stop();
  await pg?.destroy();
  process.chdir(previousCwd);
  rmSync(dir, { recursive: true, force: true });
});

describe('portico db copy', () => {
  const sqlite = { client: 'better-sqlite3' };
  const registered: { uid?: string; taskId?: string; exemptionId?: string; auditActions?: string[]; entityRows?: number; searchRows?: number } = {};

  it('copies a SQLite portal to PostgreSQL: the portal on PostgreSQL answers with what users registered, and takes new writes', async () => {
    const org = write('catalog/org.yaml', ORG);
    const later = write('catalog/later.yaml', LATER);
    const plugins = shimPackages();

    // A portal on SQLite files, used through its API
    const source = await start(sqlite);
    expect((await api(source, 'POST', '/api/catalog/locations', { type: 'file', target: org })).status).toBe(201);
    const entity = await eventually(async () => {
      const res = await api(source, 'GET', '/api/catalog/entities/by-name/component/default/search');
      if (res.status !== 200) throw new Error('waiting for component:default/search');
      return res.body;
    }, 20_000);
    registered.uid = entity.metadata.uid;
    await eventually(async () => {
      const res = await api(source, 'GET', '/api/scorecards/scorecards');
      expect(res.body.items.map((s: { ref?: string; name?: string }) => s.ref ?? s.name).join()).toContain('readiness');
    }, 20_000);
    expect((await api(source, 'POST', '/api/scorecards/facts', { entityRef: 'component:default/search', source: 'ci', facts: { 'coverage.percent': 91 } })).status).toBe(202);
    const exemption = await api(source, 'POST', '/api/scorecards/exemptions', {
      scorecardRef: 'scorecard:default/readiness',
      entityRef: 'component:default/search',
      ruleId: 'coverage',
      reason: 'moving to a new test runner',
      expiresAt: '2099-01-01T00:00:00Z',
    });
    expect(exemption.status).toBe(201);
    registered.exemptionId = exemption.body.id;
    const task = await api(source, 'POST', '/api/scaffolder/v2/tasks', { templateRef: 'template:default/hello', values: { name: 'ada' } });
    expect(task.status).toBe(201);
    registered.taskId = task.body.id;
    await eventually(async () => {
      const res = await api(source, 'GET', `/api/scaffolder/v2/tasks/${registered.taskId}`);
      expect(res.body.status).toBe('completed');
    }, 20_000);
    const audit = await api(source, 'GET', '/api/audit/events?limit=100');
    registered.auditActions = audit.body.items.map((e: { action: string }) => e.action);
    expect(registered.auditActions).toEqual(expect.arrayContaining(['catalog.location.create', 'scaffolder.template.run']));
    await stop(source);

    // The copy
    writeConfig('from.yaml', sqlite, plugins);
    writeConfig('to.yaml', pg.config, plugins);
    // small batches: the larger tables (search rows, facts) are read and written in several
    const copy = await dbCopy('--from', 'from.yaml', '--to', 'to.yaml', '--batch-size', '10');
    expect(copy.err).toBe('');
    expect(copy.code).toBe(0);
    expect(copy.out).toContain(`Copying SQLite (from.yaml) to PostgreSQL (to.yaml)\n`);
    expect(copy.out).toContain(`catalog: ${path.join('data', 'catalog.sqlite')} -> schema portico_catalog\n`);
    expect(copy.out).toContain('  catalog_locations: 1 row\n');
    registered.entityRows = Number(/^ {2}catalog_entities: (\d+) rows$/m.exec(copy.out)?.[1]);
    expect(registered.entityRows).toBeGreaterThanOrEqual(5);
    registered.searchRows = Number(/^ {2}catalog_search: (\d+) rows$/m.exec(copy.out)?.[1]);
    expect(registered.searchRows).toBeGreaterThan(10);
    expect(copy.out).toMatch(/^scorecards: .* -> schema portico_scorecards$/m);
    expect(copy.out).toMatch(/^scaffolder: .* -> schema portico_scaffolder$/m);
    expect(copy.out).toMatch(/^audit: .* -> schema portico_audit$/m);
    expect(copy.out).not.toMatch(/portico_migrations/);
    expect(copy.out).toMatch(/^Copied \d+ rows in \d+ tables of \d+ databases$/m);

    // The same portal on PostgreSQL
    const target = await start(pg.config);
    const locations = await api(target, 'GET', '/api/catalog/locations');
    expect(locations.body.map((l: { data: { target: string } }) => l.data.target)).toContain(org);
    const copied = await api(target, 'GET', '/api/catalog/entities/by-name/component/default/search');
    expect(copied.status).toBe(200);
    expect(copied.body.metadata.uid).toBe(registered.uid);
    const found = await api(target, 'GET', '/api/catalog/search?term=needle');
    expect(JSON.stringify(found.body)).toContain('component:default/search');
    const history = await api(target, 'GET', '/api/catalog/entities/by-name/component/default/search/history');
    expect(history.status).toBe(200);
    expect(JSON.stringify(history.body)).toContain('created');
    const facts = await api(target, 'GET', '/api/scorecards/entities/component/default/search/facts?name=coverage.percent');
    expect(JSON.stringify(facts.body)).toContain('91');
    const exemptions = await api(target, 'GET', '/api/scorecards/exemptions?entityRef=component:default/search');
    expect(exemptions.body.items).toEqual([expect.objectContaining({ id: registered.exemptionId, reason: 'moving to a new test runner', status: 'pending' })]);
    const run = await api(target, 'GET', `/api/scaffolder/v2/tasks/${registered.taskId}`);
    expect(run.body.status).toBe('completed');
    const log = await api(target, 'GET', `/api/scaffolder/v2/tasks/${registered.taskId}/events`);
    expect(JSON.stringify(log.body)).toContain('Hello ada');
    const events = await api(target, 'GET', '/api/audit/events?limit=100');
    expect(events.body.items.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(registered.auditActions!));

    // New rows take keys after the copied ones (the sequences moved past them)
    expect((await api(target, 'POST', '/api/catalog/locations', { type: 'file', target: later })).status).toBe(201);
    await eventually(async () => {
      expect((await api(target, 'GET', '/api/catalog/entities/by-name/component/default/billing')).status).toBe(200);
    }, 20_000);
    const second = await api(target, 'POST', '/api/scaffolder/v2/tasks', { templateRef: 'template:default/hello', values: { name: 'grace' } });
    expect(second.status).toBe(201);
    await eventually(async () => {
      expect((await api(target, 'GET', `/api/scaffolder/v2/tasks/${second.body.id}`)).body.status).toBe('completed');
    }, 20_000);
    await stop(target);
  }, 120_000);

  it('refuses a target that holds data, naming where, and replaces it (rather than adding to it) with --force', async () => {
    const refused = await dbCopy('--from', 'from.yaml', '--to', 'to.yaml');
    expect(refused.code).toBe(1);
    expect(refused.out).toBe('');
    expect(refused.err).toMatch(/^portico db copy: --to to\.yaml: the target already holds data in .*catalog\.catalog_entities \((\d+) rows\).*pass --force/);
    expect(refused.err).toContain(`catalog.catalog_entities (${registered.entityRows! + 1} rows)`);

    const forced = await dbCopy('--from', 'from.yaml', '--to', 'to.yaml', '--force');
    expect(forced.err).toBe('');
    expect(forced.code).toBe(0);
    expect(forced.out).toContain('replacing the rows the target held (--force)');
    expect(forced.out).toContain(`  catalog_entities: ${registered.entityRows} rows\n`);
    const target = await start(pg.config);
    const tasks = await api(target, 'GET', `/api/scaffolder/v2/tasks/${registered.taskId}`);
    expect(tasks.body.status).toBe('completed');
    const entities = await api(target, 'GET', '/api/catalog/entities/by-query?filter=kind=component');
    expect(entities.body.items.map((e: { metadata: { name: string } }) => e.metadata.name).sort()).toEqual(['search']);
    await stop(target);
  }, 60_000);

  it('copies PostgreSQL back to SQLite files, which a portal reads; config files combine as for portico start', async () => {
    write('pg.yaml', JSON.stringify({ backend: { database: pg.config } }));
    const back = write('back.yaml', JSON.stringify({ backend: { database: { client: 'better-sqlite3' }, dataDir: path.join(dir, 'back') } }));
    // from.yaml names the plugins and SQLite; pg.yaml, read after it, moves its database to PostgreSQL
    const copy = await dbCopy('--from', 'from.yaml', '--from', 'pg.yaml', '--to', back, '--batch-size', '7');
    expect(copy.err).toBe('');
    expect(copy.out).toContain('Copying PostgreSQL (from.yaml + pg.yaml) to SQLite');
    expect(copy.out).toContain(`catalog: schema portico_catalog -> ${path.join('back', 'catalog.sqlite')}\n`);
    expect(copy.out).toContain(`  catalog_search: ${registered.searchRows} rows\n`);
    const target = await startTestBackend({ features, config: { ...portalConfig(sqlite), backend: { database: sqlite, dataDir: path.join(dir, 'back') } } });
    backends.push(target);
    expect((await api(target, 'GET', '/api/catalog/entities/by-name/component/default/search')).body.metadata.uid).toBe(registered.uid);
    expect(JSON.stringify((await api(target, 'GET', '/api/catalog/search?term=needle')).body)).toContain('component:default/search');
    expect((await api(target, 'GET', `/api/scaffolder/v2/tasks/${registered.taskId}`)).body.status).toBe('completed');
    await stop(target);
  }, 60_000);

  it('names what is wrong: a config it cannot read, a source without a database, a plugin it cannot find', async () => {
    const missing = await dbCopy('--from', 'nope.yaml', '--to', 'to.yaml');
    expect(missing.code).toBe(1);
    expect(missing.err).toBe(`portico db copy: --from nope.yaml: no such config file (${path.join(dir, 'nope.yaml')})\n`);

    write('broken.yaml', 'backend: [unclosed\n');
    expect((await dbCopy('--from', 'from.yaml', '--to', 'broken.yaml')).err).toMatch(/^portico db copy: --to broken\.yaml: Malformed YAML in config file/);

    write('empty.yaml', JSON.stringify({ backend: { database: { client: 'better-sqlite3' }, dataDir: path.join(dir, 'nothing-here'), plugins: shimPackages() } }));
    const empty = await dbCopy('--from', 'empty.yaml', '--to', 'to.yaml', '--force');
    expect(empty.err).toMatch(/^portico db copy: --from empty\.yaml: no Portico database to copy \(no file in .*nothing-here for catalog, scorecards, scaffolder, /);
    expect(existsSync(path.join(dir, 'nothing-here'))).toBe(false);

    write('unknown.yaml', JSON.stringify({ backend: { database: { client: 'better-sqlite3' }, dataDir: path.join(dir, 'data'), plugins: ['@acme/not-installed'] } }));
    expect((await dbCopy('--from', 'unknown.yaml', '--to', 'to.yaml')).err).toMatch(
      /^portico db copy: --from unknown\.yaml: Invalid config at backend\.plugins\[0\] \('@acme\/not-installed'\): cannot find package '@acme\/not-installed'/,
    );

    write('nodb.yaml', JSON.stringify({ backend: { database: { client: 'pg', connection: `${pg.config.connection}_missing` }, plugins: shimPackages() } }));
    expect((await dbCopy('--from', 'from.yaml', '--to', 'nodb.yaml')).err).toMatch(/^portico db copy: --to nodb\.yaml: The PostgreSQL database '.*_missing' named in backend\.database\.connection does not exist/);

    expect((await dbCopy('--from', 'from.yaml', '--to', 'from.yaml')).err).toBe('portico db copy: --from from.yaml and --to from.yaml name the same database\n');
  }, 60_000);

  it('refuses a source whose databases are not at the migrations of this version, before writing anything', async () => {
    cpSync(path.join(dir, 'data'), path.join(dir, 'old-data'), { recursive: true });
    const old = knexFactory({ client: 'better-sqlite3', connection: { filename: path.join(dir, 'old-data', 'scaffolder.sqlite') }, useNullAsDefault: true });
    const [last] = (await old('portico_migrations').orderBy('name', 'desc').limit(1).select('name')) as Array<{ name: string }>;
    await old('portico_migrations').where({ name: last!.name }).delete();
    await old.destroy();
    write('old.yaml', JSON.stringify({ backend: { database: { client: 'better-sqlite3' }, dataDir: path.join(dir, 'old-data'), plugins: shimPackages() } }));
    write('fresh.yaml', JSON.stringify({ backend: { database: { client: 'better-sqlite3' }, dataDir: path.join(dir, 'fresh') } }));
    const copy = await dbCopy('--from', 'old.yaml', '--to', 'fresh.yaml');
    expect(copy.code).toBe(1);
    expect(copy.err).toBe(
      `portico db copy: --from old.yaml: the source's databases are not at this version's migrations (scaffolder has not run ${last!.name}). ` +
        'Start the source portal once with this version (it migrates at start), stop it, then copy\n',
    );
    expect(existsSync(path.join(dir, 'fresh', 'catalog.sqlite'))).toBe(false);
  });
});
