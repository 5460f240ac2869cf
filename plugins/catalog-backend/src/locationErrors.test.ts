import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { eventually } from '@portico/test-utils';
import { catalogPlugin } from './plugin';
import { startCatalogBackend } from './__testUtils__/testCatalogBackend';

// Five problems, no valid entity: what the register page was shown as "would add 0 entities".
const FIVE_PROBLEMS = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: Not A Valid Name!
spec:
  type: service
  lifecycle: production
  owner: team-a
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: no-owner
spec:
  type: service
  lifecycle: production
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: bad-tags
  tags:
    - fine
    - Not_Fine
spec:
  type: service
  lifecycle: production
  owner: team-a
---
kind: Component
metadata: { name: broken
---
apiVersion: backstage.io/v1alpha1
kind: Spaceship
metadata:
  name: enterprise
`;

const ONE_BAD_ONE_GOOD = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: good-one
spec:
  type: service
  lifecycle: production
  owner: team-a
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: bad-lifecycle
spec:
  type: service
  lifecycle: 42
  owner: team-a
`;

describe('catalog errors where users look', () => {
  let dir: string;
  let app: Awaited<ReturnType<typeof startCatalogBackend>>;
  const api = () => request(app.server);

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-catalog-errors-'));
    fs.writeFileSync(path.join(dir, 'five.yaml'), FIVE_PROBLEMS);
    fs.writeFileSync(path.join(dir, 'mixed.yaml'), ONE_BAD_ONE_GOOD);
    app = await startCatalogBackend({
      config: { catalog: { locations: [{ type: 'file', target: path.join(dir, 'mixed.yaml') }] } },
      features: [catalogPlugin],
      roots: [dir],
    });
  });
  afterAll(async () => {
    await app?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers a dry run with every problem: file, line, field, message and the source line', async () => {
    const target = path.join(dir, 'five.yaml');
    const res = await api().post('/api/catalog/locations?dryRun=true').send({ type: 'file', target }).expect(201);
    expect(res.body.entities).toEqual([]);
    expect(res.body.exists).toBe(false);
    const errors = res.body.errors as Array<Record<string, unknown>>;
    expect(errors).toHaveLength(5);
    for (const e of errors) expect(e.file).toBe(target);
    const byField = (field: string) => errors.find(e => e.field === field);
    expect(byField('metadata.name')).toMatchObject({ line: 4, source: '  name: Not A Valid Name!', reason: 'validation' });
    expect(byField('metadata.name')!.message).toMatch(/^metadata\.name: /);
    // a missing field is shown where it belongs: its parent
    expect(byField('spec.owner')).toMatchObject({ entityRef: 'component:default/no-owner', line: 14, source: 'spec:' });
    expect(byField('metadata.tags[1]')).toMatchObject({ line: 24, source: '    - Not_Fine' });
    expect(byField('kind')).toMatchObject({ line: 34, source: 'kind: Spaceship' });
    const parse = errors.find(e => e.reason === 'parse');
    // the YAML parser finds the unclosed mapping where the next document starts, and says so
    expect(parse).toMatchObject({ file: target, line: 32, source: '---' });
    expect(parse!.message).toContain(`${target}:32: `);
  });

  it('leaves nothing stored after a dry run', async () => {
    await api().post('/api/catalog/locations?dryRun=true').send({ type: 'file', target: path.join(dir, 'five.yaml') }).expect(201);
    const locations = await api().get('/api/catalog/locations').expect(200);
    expect(locations.body).toHaveLength(1);
  });

  it('refuses to register a target that yields no valid entity, answering every problem and storing nothing', async () => {
    const target = path.join(dir, 'five.yaml');
    const res = await api().post('/api/catalog/locations').send({ type: 'file', target }).expect(400);
    expect(res.body.error.name).toBe('InputError');
    expect(res.body.error.message).toMatch(/yields no valid entity \(5 errors\); nothing was registered; first: /);
    expect(res.body.error.details.errors).toHaveLength(5);
    expect(res.body.error.details.errors[0]).toMatchObject({ file: target });
    const locations = await api().get('/api/catalog/locations').expect(200);
    expect(locations.body.map((l: { data: { target: string } }) => l.data.target)).not.toContain(target);
    // the read's problems are answered, not recorded against a location that does not exist
    const recorded = await api().get(`/api/catalog/entities/errors?locationKey=${encodeURIComponent(`file:${target}`)}`).expect(200);
    expect(recorded.body.items).toEqual([]);
  });

  it('registers a target with one valid entity among errors, answering the errors', async () => {
    const target = path.join(dir, 'partly.yaml');
    fs.writeFileSync(target, ONE_BAD_ONE_GOOD.replace('good-one', 'partly-good').replace('bad-lifecycle', 'partly-bad'));
    const res = await api().post('/api/catalog/locations').send({ type: 'file', target }).expect(201);
    expect(res.body.entities.map((e: { metadata: { name: string } }) => e.metadata.name)).toEqual(['partly-good']);
    expect(res.body.errors).toHaveLength(1);
  });

  it('locates recorded errors by location and by entity, with the source line', async () => {
    const key = `file:${path.join(dir, 'mixed.yaml')}`;
    const byLocation = await eventually(async () => {
      const res = await api().get(`/api/catalog/entities/errors?locationKey=${encodeURIComponent(key)}`).expect(200);
      expect(res.body.items).toHaveLength(1);
      return res.body.items[0];
    });
    expect(byLocation).toMatchObject({
      entityRef: 'component:default/bad-lifecycle',
      file: path.join(dir, 'mixed.yaml'),
      field: 'spec.lifecycle',
      line: 16,
      source: '  lifecycle: 42',
    });
    const byEntity = await api().get('/api/catalog/entities/errors?entityRef=component:default/bad-lifecycle').expect(200);
    expect(byEntity.body.items).toEqual([byLocation]);
    await api().get('/api/catalog/entities/by-name/component/default/good-one').expect(200);
  });
});
