import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { isPgReachable } from '@portico/test-utils';
import { PgOutage } from './pgOutage';
import { startInstance, waitFor, type PorticoInstance } from './porticoInstance';

jest.setTimeout(180_000);

if (!isPgReachable()) throw new Error('this test breaks PostgreSQL connections, and PostgreSQL is unreachable');

const root = path.resolve(__dirname, '../..');
const N = 300;
const SCORECARD = 'scorecard:default/catalog-hygiene';
/** The rules of examples/scorecards/catalog-hygiene.yaml: each entity gets one current result of each. */
const RULES = ['linked', 'named-well', 'tagged'];

const component = (i: number) =>
  [
    'apiVersion: backstage.io/v1alpha1',
    'kind: Component',
    'metadata:',
    `  name: svc-${i}`,
    `  tags: [${Array.from({ length: i % 3 }, (_, t) => `t${t}`).join(', ')}]`,
    ...(i % 2 ? ['  links: [{ url: "https://example.com", title: docs }]'] : []),
    'spec: { type: service, lifecycle: production, owner: group:default/platform }',
    '',
  ].join('\n');

async function readiness(instance: PorticoInstance): Promise<number> {
  return (await fetch(`${instance.url}/readyz`, { signal: AbortSignal.timeout(10_000) })).status;
}

/** Every entity of the scorecard's results through the API, page by page. */
async function listResults(instance: PorticoInstance): Promise<Array<{ entityRef: string; passed: number; failed: number; unknown: number }>> {
  const items: Array<{ entityRef: string; passed: number; failed: number; unknown: number }> = [];
  let cursor: string | undefined;
  do {
    const res = await instance.call('GET', `/api/scorecards/scorecards/default/catalog-hygiene/results?limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
    if (res.status !== 200) throw new Error(`results answered ${res.status}: ${JSON.stringify(res.body)}`);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return items;
}

describe('PostgreSQL cut while scorecards evaluate', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-pg-eval-'));
  let pg: PgOutage | undefined;
  let direct: Knex | undefined;
  let instance: PorticoInstance | undefined;
  let locker: Knex.Transaction | undefined;

  afterAll(async () => {
    await locker?.rollback().catch(() => undefined);
    await instance?.stop();
    await direct?.destroy();
    await pg?.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('evaluates every entity exactly once per rule after the database comes back', async () => {
    pg = await PgOutage.create();
    const { db, admin, name } = pg;
    fs.writeFileSync(path.join(dir, 'components.yaml'), Array.from({ length: N }, (_, i) => component(i)).join('---\n'));

    instance = await startInstance({
      database: { client: 'pg', connection: pg.connection },
      config: {
        integrations: { file: { roots: [dir, path.join(root, 'examples')] } },
        catalog: { locations: [{ type: 'file', target: path.join(root, 'examples/scorecards/catalog-hygiene.yaml') }] },
      },
    });
    // its first (empty) evaluation done: what follows is the evaluation of changed entities, not of the whole scorecard
    // (the API shows no evaluation time without results: the database's run record tells)
    const knex = db.knex;
    await waitFor('the scorecard evaluated once', async () => (await knex('portico_scorecards.scorecard_runs').where({ scorecard_ref: SCORECARD })).length === 1);

    // The evaluation of the components is caught in its save: a session of the test holds the results table, so the
    // instance's save waits on it, and the cut lands in the middle of the evaluation, not before or after it.
    locker = await db.knex.transaction();
    await locker.raw('LOCK TABLE portico_scorecards.entity_scores IN ACCESS EXCLUSIVE MODE');
    const registered = await instance.call('POST', '/api/catalog/locations', { type: 'file', target: path.join(dir, 'components.yaml') });
    expect({ status: registered.status, body: registered.status === 201 ? undefined : registered.body }).toEqual({ status: 201, body: undefined });
    await waitFor(
      'an evaluation waiting to save its results',
      async () =>
        Number(
          (
            await admin.raw(
              `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = ? AND wait_event_type = 'Lock' AND query ILIKE '%entity_scores%'`,
              [name],
            )
          ).rows[0].n,
        ) > 0,
      60_000,
    );
    const before = instance.output().length;

    // the cut: the port closes, every session (the instance's and the locker's) is terminated, new ones are refused
    await pg.cut();
    await locker.rollback().catch(() => undefined);
    await db.knex.destroy();

    await waitFor('not ready', async () => (await readiness(instance!)) === 503, 5_000);
    // The outage outlasts several attempts of the evaluation (a failover takes longer than one retry); an instance
    // that does not try again is given 20 s.
    await waitFor(
      'several failed attempts to evaluate the components',
      () => (instance!.output().slice(before).match(/valuating .* failed/g) ?? []).length >= 3,
      20_000,
    ).catch(() => undefined);

    await pg.restore();
    await waitFor('ready again', async () => (await readiness(instance!)) === 200);

    direct = knexFactory({ client: 'pg', connection: db.config.connection, pool: { min: 0, max: 1 } });
    const results = await waitFor(
      `every component scored (${N})`,
      async () => {
        const items = await listResults(instance!);
        return items.length >= N ? items : undefined;
      },
      40_000,
    ).catch(async error => {
      const scored = (await direct!.raw(`SELECT count(*) AS n FROM portico_scorecards.entity_scores WHERE scorecard_ref = ?`, [SCORECARD])).rows[0].n;
      throw new Error(`${(error as Error).message}; ${scored} of ${N} scored in the database`);
    });

    const refs = results.map(r => r.entityRef).sort();
    expect(new Set(refs).size).toBe(refs.length);
    expect(refs).toEqual(Array.from({ length: N }, (_, i) => `component:default/svc-${i}`).sort());
    for (const r of results) expect(r.passed + r.failed + r.unknown).toBe(RULES.length);

    // one current result per rule and entity (what the API sums up above), none missing, none twice
    const { rows } = await direct.raw(
      `SELECT entity_ref, string_agg(rule_id, ',' ORDER BY rule_id) AS rules, count(*) AS n
         FROM portico_scorecards.rule_results WHERE scorecard_ref = ? GROUP BY entity_ref`,
      [SCORECARD],
    );
    expect(rows.length).toBe(N);
    expect(rows.filter((r: { rules: string }) => r.rules !== RULES.join(','))).toEqual([]);
    // and the entity page agrees
    const page = await instance.call('GET', '/api/scorecards/entities/component/default/svc-5');
    expect(page.status).toBe(200);
    const card = page.body.scorecards.find((s: { scorecardRef: string }) => s.scorecardRef === SCORECARD);
    expect(card?.rules?.map((r: { ruleId: string }) => r.ruleId).sort()).toEqual(RULES);
  });
});
