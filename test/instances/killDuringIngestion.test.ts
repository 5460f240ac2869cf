import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, isPgReachable } from '@portico/test-utils';
import { spawnInstance, startInstance, waitFor, type PorticoInstance } from './porticoInstance';

jest.setTimeout(420_000);

if (!isPgReachable()) throw new Error('this test runs instances on PostgreSQL, which is unreachable');

const N = 12_000;

const scorecard = `apiVersion: portico.dev/v1alpha1
kind: Scorecard
metadata:
  name: named-well
spec:
  owner: group:default/platform
  filter:
    - { kind: component }
  levels:
    - { name: Tidy, rank: 1 }
  rules:
    - id: named-well
      type: expression
      params: { expression: 'entity.metadata.name.matches("^[a-z0-9]+(-[a-z0-9]+)*$")' }
      level: Tidy
  schedule: P1D
`;

const component = (i: number) =>
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc-${i}\nspec:\n  type: service\n  lifecycle: production\n  owner: group:default/team-${i % 20}\n`;

describe('kill -9 during a first ingestion on PostgreSQL', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-kill-'));
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const running: PorticoInstance[] = [];

  beforeAll(async () => {
    fs.writeFileSync(path.join(dir, 'scorecard.yaml'), scorecard);
    fs.writeFileSync(path.join(dir, 'components.yaml'), Array.from({ length: N }, (_, i) => component(i)).join('---\n'));
    db = await createTestDatabase('pg');
  });
  afterAll(async () => {
    await Promise.all(running.map(i => i.kill()));
    await db?.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('evaluates on restart the entities committed before the kill, and every other one', async () => {
    const config = {
      catalog: {
        locations: [
          { type: 'file', target: path.join(dir, 'scorecard.yaml') },
          { type: 'file', target: path.join(dir, 'components.yaml') },
        ],
      },
    };
    const count = async (sql: string) => Number((await db.knex.raw(sql)).rows[0].n);
    const entities = () => count(`SELECT count(*) AS n FROM portico_catalog.catalog_entities WHERE kind = 'component'`).catch(() => 0);
    const scored = () => count(`SELECT count(*) AS n FROM portico_scorecards.entity_scores WHERE scorecard_ref = 'scorecard:default/named-well'`).catch(() => 0);

    const first = await spawnInstance({ database: db.config, config });
    running.push(first);
    // some chunks of the first read are committed, the read is not over: a crash
    const committed = await waitFor('some components committed', async () => {
      const n = await entities();
      return n > 0 ? n : undefined;
    }, 180_000);
    await first.kill();
    const atKill = await entities();
    expect(committed).toBeLessThan(N);
    expect(atKill).toBeLessThan(N);
    // what the crash left: changes committed and never announced
    expect(await count('SELECT count(*) AS n FROM portico_catalog.catalog_change_outbox')).toBeGreaterThan(0);

    const second = await startInstance({ database: db.config, config });
    running.push(second);
    await waitFor('every component read', async () => (await entities()) === N, 240_000);
    await waitFor(`every component scored (${N})`, async () => (await scored()) === N, 240_000);
    expect(await count('SELECT count(*) AS n FROM portico_catalog.catalog_change_outbox')).toBe(0);
    expect(second.output()).not.toMatch(/Too big: expected array/);
  });
});
