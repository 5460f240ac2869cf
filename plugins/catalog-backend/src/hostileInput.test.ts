import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createTestEntityProvider } from '@portico/plugin-catalog-node/testing';
import { eventually } from '@portico/test-utils';
import { catalogPlugin } from './plugin';
import { startCatalogBackend } from './__testUtils__/testCatalogBackend';

const ENTITY_HEAD = 'apiVersion: backstage.io/v1alpha1\nkind: Component\n';
const SPEC = '  type: service\n  lifecycle: production\n  owner: team-a\n';
const componentYaml = (name: string, specExtra = '') => `${ENTITY_HEAD}metadata: { name: ${name} }\nspec:\n${SPEC}${specExtra}`;

/** `levels` anchored lists, each holding `width` aliases of the one before ("billion laughs"). */
function aliasBomb(name: string, levels: number, width: number, leaf = '"lol"'): string {
  const lines = [`  l0: &l0 [${Array(width).fill(leaf).join(', ')}]`];
  for (let i = 1; i < levels; i++) lines.push(`  l${i}: &l${i} [${Array(width).fill(`*l${i - 1}`).join(', ')}]`);
  return componentYaml(name, `${lines.join('\n')}\n`);
}

/** Each level aliases the one before twice: 2^levels leaves from a few kilobytes. */
function doublingBomb(name: string, levels: number): string {
  const lines = ['  d0: &d0 [x, x]'];
  for (let i = 1; i < levels; i++) lines.push(`  d${i}: &d${i} [*d${i - 1}, *d${i - 1}]`);
  return componentYaml(name, `${lines.join('\n')}\n`);
}

const timings: string[] = [];

/** Runs `fn` while another request keeps being answered; returns how long `fn` took and the slowest other answer. */
async function whileServing<T>(server: Parameters<typeof request>[0], fn: () => Promise<T>): Promise<{ result: T; ms: number; slowestOtherMs: number }> {
  let done = false;
  let slowestOtherMs = 0;
  const other = (async () => {
    while (!done) {
      const started = Date.now();
      await request(server).get('/api/catalog/entities?filter=kind=group').expect(200);
      slowestOtherMs = Math.max(slowestOtherMs, Date.now() - started);
    }
  })();
  const started = Date.now();
  const result = await fn();
  const ms = Date.now() - started;
  done = true;
  await other;
  return { result, ms, slowestOtherMs };
}

describe('hostile input to the catalog', () => {
  let dir: string;
  let app: Awaited<ReturnType<typeof startCatalogBackend>>;

  const provider = createTestEntityProvider({ name: 'hostile-provider' });

  const file = (name: string, text: string) => {
    const target = path.join(dir, name);
    fs.writeFileSync(target, text);
    return target;
  };

  beforeAll(async () => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'portico-hostile-')));
    file('org.yaml', 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: { name: team-a }\nspec: { type: team, children: [] }\n');
    app = await startCatalogBackend({
      config: {
        catalog: {
          locations: [{ type: 'file', target: path.join(dir, 'org.yaml') }],
          limits: { maxEntityBytes: 64 * 1024, maxEntitiesPerFile: 5 },
        },
      },
      features: [catalogPlugin, provider.module],
      roots: [dir],
    });
    await eventually(async () => {
      const res = await request(app.server).get('/api/catalog/entities/by-name/group/default/team-a');
      expect(res.status).toBe(200);
    });
  });

  afterAll(async () => {
    await app?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    if (process.env.PORTICO_PRINT_TIMINGS) console.log(timings.join('\n'));
  });

  const api = () => request(app.server);
  const locationErrors = async (id: string) => (await api().get(`/api/catalog/locations/${id}`).expect(200)).body.status.errors.map((e: { message: string }) => e.message) as string[];

  describe('keys that reach prototypes', () => {
    const cases = [
      ['__proto__', 'metadata:\n  name: proto-a\n  labels:\n    __proto__: { polluted: "yes" }\n', 'metadata.labels.__proto__'],
      ['constructor', 'metadata: { name: ctor-a }\n', 'spec.deep.constructor', '  deep:\n    constructor: { polluted: "yes" }\n'],
      ['prototype', 'metadata: { name: proto-type-a }\n', 'spec.list[1].prototype', '  list:\n    - ok\n    - prototype: x\n'],
      ['__proto__ beside a placeholder', 'metadata: { name: proto-b }\n', 'spec.__proto__', '  notes: { $text: ./org.yaml }\n  __proto__: { polluted: "yes" }\n'],
    ];

    it.each(cases)('refuses a %s key from a YAML location, naming the path', async (_key, metadata, expected, specExtra = '') => {
      const target = file(`keys-${_key.replace(/\W+/g, '-')}.yaml`, `${ENTITY_HEAD}${metadata}spec:\n${SPEC}${specExtra}`);
      const refused = expect.stringMatching(new RegExp(`^${expected.replace(/[.[\]]/g, '\\$&')}: ".+" is not allowed as a key`));
      const dry = await api().post('/api/catalog/locations?dryRun=true').send({ type: 'file', target }).expect(201);
      expect(dry.body.entities).toEqual([]);
      expect(dry.body.errors).toEqual([expect.objectContaining({ reason: 'validation', message: refused })]);
      // registering it is refused with the same problem, and nothing is stored
      const added = await api().post('/api/catalog/locations').send({ type: 'file', target }).expect(400);
      expect(added.body.error.details.errors).toEqual([expect.objectContaining({ reason: 'validation', message: refused })]);
      const locations = await api().get('/api/catalog/locations').expect(200);
      expect(locations.body.map((l: { data: { target: string } }) => l.data.target)).not.toContain(target);
      const stored = await api().get('/api/catalog/entities').expect(200);
      expect(stored.body.map((e: { metadata: { name: string } }) => e.metadata.name)).toEqual(['team-a']);
    });

    it.each([
      ['{"__proto__":{"polluted":"yes"}}', /spec\.__proto__/],
      ['{"x":[{"constructor":{"prototype":{"polluted":"yes"}}}]}', /spec\.x(\[0\]|\.0)\.constructor/],
    ])('refuses them in a POST /validate-entity body (%s in spec)', async (spec, path) => {
      const body = `{"entity":{"apiVersion":"backstage.io/v1alpha1","kind":"Component","metadata":{"name":"x"},"spec":${spec}}}`;
      const res = await api().post('/api/catalog/validate-entity').set('content-type', 'application/json').send(body);
      // the host's body parser or the catalog's validation, whichever sees it first, names the path
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(path);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('refuses them from an entity provider and records the error on the entity', async () => {
      const entity = JSON.parse(`{"apiVersion":"backstage.io/v1alpha1","kind":"Component","metadata":{"name":"from-provider"},
        "spec":{"type":"service","lifecycle":"production","owner":"team-a","nested":{"__proto__":{"polluted":"yes"}}}}`);
      await provider.connection.applyMutation({ type: 'full', entities: [{ entity, locationKey: 'hostile:1' }] });
      await api().get('/api/catalog/entities/by-name/component/default/from-provider').expect(404);
      const errors = await api().get('/api/catalog/entities/errors?entityRef=component:default/from-provider').expect(200);
      expect(errors.body.items.map((e: { message: string }) => e.message)).toEqual(['spec.nested.__proto__: "__proto__" is not allowed as a key']);
      await provider.connection.applyMutation({ type: 'full', entities: [] });
    });

    it('answers projections and filters through those keys with 400, and keeps serving', async () => {
      for (const url of [
        '/api/catalog/entities?filter=metadata.name=x&fields=spec.__proto__.polluted',
        '/api/catalog/entities?fields=constructor.prototype',
        '/api/catalog/entities?filter=spec.__proto__.polluted=x',
        '/api/catalog/entities/by-query?filter=metadata.constructor',
        '/api/catalog/entities/by-query?orderField=spec.__proto__,asc',
        '/api/catalog/entity-facets?facet=spec.__proto__',
      ]) {
        const res = await api().get(url);
        expect({ url, status: res.status }).toEqual({ url, status: 400 });
        expect(res.body.error.message).toMatch(/which no entity may have as a key/);
      }
      const byRefs = await api().post('/api/catalog/entities/by-refs').send({ entityRefs: ['group:default/team-a'], fields: ['spec.__proto__.polluted'] });
      expect(byRefs.status).toBe(400);
      await api().get('/api/catalog/entities').expect(200);
      await api().get('/api/catalog/entities?fields=metadata.name').expect(200);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  });

  describe('YAML alias bombs and oversized input', () => {
    it.each([
      ['9 x 8 aliases (the 625-byte file)', () => aliasBomb('bomb-nine', 9, 8)],
      ['a long string aliased into lists (the 33.6 MB entity)', () => aliasBomb('bomb-string', 6, 8, JSON.stringify('x'.repeat(120)))],
      ['doubled aliases, 6.7 KB', () => doublingBomb('bomb-double', 220)],
    ])('refuses %s, says why and keeps answering', async (name, make) => {
      const text = make();
      const target = file(`${name.split(' ')[0]}-${text.length}.yaml`, text);
      const dry = await whileServing(app.server, () => api().post('/api/catalog/locations?dryRun=true').send({ type: 'file', target }));
      const expanded = expect.stringMatching(/YAML aliases expand it past 65536 bytes \(catalog\.limits\.maxEntityBytes\)/);
      expect(dry.result.status).toBe(201);
      expect(dry.result.body).toMatchObject({ entities: [], errors: [{ reason: 'parse', message: expanded }] });
      // registering it is refused with the same reason (a target yielding no entity is never stored)
      const added = await whileServing(app.server, () => api().post('/api/catalog/locations').send({ type: 'file', target }));
      expect(added.result.status).toBe(400);
      expect(added.result.body.error.details).toMatchObject({ errors: [{ reason: 'parse', message: expanded }] });
      // how long it took is a figure for the log, not an assertion: the catalog answered other requests meanwhile
      timings.push(`${name} (${text.length} bytes): dry run ${dry.ms} ms, register ${added.ms} ms, slowest concurrent GET ${Math.max(dry.slowestOtherMs, added.slowestOtherMs)} ms`);
      await api().get('/api/catalog/entities/by-name/group/default/team-a').expect(200);
    });

    it('refuses a document with more aliases than maxYamlAliases', async () => {
      const aliases = Array(1001).fill('*x').join(', ');
      const target = file('many-aliases.yaml', componentYaml('many-aliases', `  x: &x 1\n  list: [${aliases}]\n`));
      const added = await api().post('/api/catalog/locations').send({ type: 'file', target }).expect(400);
      expect(added.body.error.details.errors.map((e: { message: string }) => e.message)).toEqual([expect.stringMatching(/:\d+: more than 1000 YAML aliases in one document \(catalog\.limits\.maxYamlAliases\)/)]);
    });

    it('refuses an entity larger than maxEntityBytes, from a file and from a provider', async () => {
      const big = `  notes: "${'n'.repeat(70 * 1024)}"\n`;
      const target = file('big-entity.yaml', `${componentYaml('big-entity', big)}---\n${componentYaml('small-entity')}`);
      const added = await api().post('/api/catalog/locations').send({ type: 'file', target }).expect(201);
      expect(added.body.entities.map((e: { metadata: { name: string } }) => e.metadata.name)).toEqual(['small-entity']);
      const errors = await api().get('/api/catalog/entities/errors?entityRef=component:default/big-entity').expect(200);
      expect(errors.body.items.map((e: { message: string }) => e.message)).toEqual(['entity is larger than 65536 bytes as JSON (catalog.limits.maxEntityBytes)']);
      await api().delete(`/api/catalog/locations/${added.body.location.id}`).expect(204);

      // a provider's entity that shares one object many times is measured without being expanded
      const shared: unknown[] = ['x'.repeat(100)];
      let graph: unknown = shared;
      for (let i = 0; i < 15; i++) graph = [graph, graph, graph, graph];
      // expanded, it would be 4^15 copies: the mutation would not end within the test's timeout
      await provider.connection.applyMutation({ type: 'full', entities: [{ entity: { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'graph' }, spec: { type: 'service', lifecycle: 'production', owner: 'team-a', graph } } as never, locationKey: 'hostile:2' }] });
      const graphErrors = await api().get('/api/catalog/entities/errors?entityRef=component:default/graph').expect(200);
      expect(graphErrors.body.items.map((e: { message: string }) => e.message)).toEqual(['entity is larger than 65536 bytes as JSON (catalog.limits.maxEntityBytes)']);
      await provider.connection.applyMutation({ type: 'full', entities: [] });
    });

    it('reads at most maxEntitiesPerFile entities from one file', async () => {
      const docs = Array.from({ length: 8 }, (_, i) => componentYaml(`many-${i}`)).join('---\n');
      const added = await api().post('/api/catalog/locations').send({ type: 'file', target: file('many.yaml', docs) }).expect(201);
      expect(added.body.entities).toHaveLength(5);
      expect(await locationErrors(added.body.location.id)).toEqual([expect.stringMatching(/many\.yaml:\d+: more than 5 entities in one file \(catalog\.limits\.maxEntitiesPerFile\); the rest of the file was not read/)]);
      await api().delete(`/api/catalog/locations/${added.body.location.id}`).expect(204);
    });

    it('backs off a location that keeps failing and reads it on every refresh again once it works', async () => {
      // registered while it reads, then broken (a target that yields nothing is refused at registration)
      const target = file('flaky.yaml', componentYaml('flaky'));
      const added = await api().post('/api/catalog/locations').send({ type: 'file', target }).expect(201);
      const id = added.body.location.id as string;
      file('flaky.yaml', aliasBomb('flaky', 9, 8));
      const refresh = () => app.tasks.find(t => t.id === 'catalog-refresh-locations')!.fn(new AbortController().signal);
      const backoff = async () => (await api().get(`/api/catalog/locations/${id}`).expect(200)).body.status.backoff;
      // failures: read on refresh 1, 2, 4, 8 (then every 2^(n-1) refreshes)
      const seen: Array<number | undefined> = [];
      for (let i = 0; i < 8; i++) {
        await refresh();
        seen.push((await backoff())?.failures);
      }
      expect(seen).toEqual([1, 2, 2, 3, 3, 3, 3, 4]);
      expect(await backoff()).toMatchObject({ nextReadInRefreshes: 8, reason: expect.stringMatching(/YAML aliases expand it past/) });
      expect(await locationErrors(id)).toHaveLength(1);
      // the rest of the catalog is read on every refresh meanwhile
      file('org.yaml', 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: { name: team-b }\nspec: { type: team, children: [] }\n');
      await refresh();
      await api().get('/api/catalog/entities/by-name/group/default/team-b').expect(200);
      file('flaky.yaml', componentYaml('flaky'));
      for (let i = 0; i < 8 && (await backoff()); i++) await refresh();
      expect(await backoff()).toBeUndefined();
      expect(await locationErrors(id)).toEqual([]);
      await api().get('/api/catalog/entities/by-name/component/default/flaky').expect(200);
      await api().delete(`/api/catalog/locations/${id}`).expect(204);
    });
  });
});
