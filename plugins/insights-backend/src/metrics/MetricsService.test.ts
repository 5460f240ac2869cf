import { describeEachDatabase } from '@portico/test-utils';
import { MockLogger } from '@portico/test-utils';
import { EventStore } from '../database/EventStore';
import { createMetricsService, type MetricsService } from './index';
import { DAY, HOUR, clear, deploymentRow, fakeAuth, fakeCatalog, incidentRow, migrate, pullRequestRow } from './__testUtils__/fixtures';

const FROM = Date.parse('2026-11-02T00:00:00Z'); // a Monday
const TO = FROM + 14 * DAY;
const period = { from: FROM, to: TO };
const WEB = 'component:default/web-shop';

describeEachDatabase('MetricsService', db => {
  let catalog: ReturnType<typeof fakeCatalog>;
  let service: MetricsService;

  beforeAll(async () => {
    await migrate(db.knex);
  });

  beforeEach(async () => {
    await clear(db.knex);
    catalog = fakeCatalog();
    service = createMetricsService({ db: db.knex, catalog, auth: fakeAuth, config: { productionEnvironments: ['production'], failureWindowMs: 24 * HOUR }, logger: new MockLogger() });
  });

  async function insert(rows: { deployments?: object[]; incidents?: object[]; pullRequests?: object[] }) {
    if (rows.deployments?.length) await db.knex('deployments').insert(rows.deployments);
    if (rows.incidents?.length) await db.knex('incidents').insert(rows.incidents);
    if (rows.pullRequests?.length) await db.knex('pull_requests').insert(rows.pullRequests);
  }

  /** Two weeks of web-shop, one deploy failing by incident; api with a deployment a week before the period only. */
  async function seed() {
    const d1 = deploymentRow('web-shop', FROM + 1 * DAY);
    const d2 = deploymentRow('web-shop', FROM + 2 * DAY);
    const d3 = deploymentRow('web-shop', FROM + 8 * DAY, { id: 'deploy-3' });
    const d4 = deploymentRow('web-shop', FROM + 9 * DAY, { status: 'rolled_back' });
    const staging = deploymentRow('web-shop', FROM + 3 * DAY, { environment: 'staging' });
    const before = deploymentRow('web-shop', FROM - 3 * DAY);
    const apiBefore = deploymentRow('api', FROM - 7 * DAY);
    await insert({
      deployments: [d1, d2, d3, d4, staging, before, apiBefore],
      incidents: [incidentRow('web-shop', FROM + 8 * DAY + 40 * 60_000, FROM + 8 * DAY + 3 * HOUR, { id: 'INC-1' }), incidentRow('api', FROM + DAY, FROM + DAY + 2 * HOUR)],
      pullRequests: [
        pullRequestRow('web-shop', FROM, FROM + 10 * HOUR, { first_review_at: FROM + HOUR, additions: 10, deletions: 2 }),
        pullRequestRow('web-shop', FROM + 5 * DAY, FROM + 5 * DAY + 4 * HOUR, { first_review_at: FROM + 5 * DAY + HOUR, additions: 30, deletions: 0 }),
        pullRequestRow('web-shop', FROM + 6 * DAY, FROM + 6 * DAY + 2 * HOUR, { additions: 5, deletions: 5, first_commit_at: FROM + 5 * DAY }),
        pullRequestRow('web-shop', FROM + 12 * DAY, FROM + 12 * DAY + HOUR), // merged, never deployed
        pullRequestRow('api', FROM, FROM + HOUR),
      ],
    });
    await service.rebuildRollups!();
  }

  it('answers every metric of an entity with band, previous period and a weekly series in UTC', async () => {
    await seed();
    const answer = await service.metrics({ scope: { type: 'entity', ref: WEB }, period, interval: 'week', token: 'user-token' });
    expect(answer.entityRefs).toEqual([WEB]);
    const byId = Object.fromEntries(answer.metrics.map(m => [m.id, m]));
    expect(byId.deploymentFrequency).toMatchObject({ value: 4 / 14, sampleSize: 4, band: 'high', previous: { value: 1 / 14, sampleSize: 1 } });
    expect(byId.deploymentFrequency!.series).toEqual([
      { start: '2026-11-02T00:00:00.000Z', end: '2026-11-09T00:00:00.000Z', value: 2 / 7, sampleSize: 2 },
      { start: '2026-11-09T00:00:00.000Z', end: '2026-11-16T00:00:00.000Z', value: 2 / 7, sampleSize: 2 },
    ]);
    expect(byId.changeFailureRate).toMatchObject({ value: 0.5, sampleSize: 4, band: 'low' });
    expect(byId.changeFailureRate!.previous).toEqual({ value: null, sampleSize: 1, insufficientData: '1 production deployment; at least 3 needed' });
    // PR 1 (merged day 0 + 10h) ships with d1 (day 1): 14 h; PR 2 (day 5 + 4h) and PR 3 (first commit day 5) ship with deploy-3 (day 8).
    expect(byId.leadTime).toMatchObject({ value: 68, sampleSize: 3, band: 'high' });
    expect(byId.timeToRestore).toMatchObject({ value: 3 - 40 / 60, sampleSize: 1, band: 'high' });
    expect(byId.prCycleTime).toMatchObject({ value: 3, sampleSize: 4 });
    expect(byId.reviewedShare).toMatchObject({ value: 0.5, sampleSize: 4 });
    expect(byId.timeToFirstReview).toMatchObject({ value: null, sampleSize: 2, insufficientData: '2 reviewed pull requests merged; at least 3 needed' });
    expect(byId.deploymentFrequency!.definition).toContain('00:00 UTC');
    expect(catalog.tokens).toContain('user-token');
  });

  it('resolves a group without and with sub-teams, a system and a domain through the catalog', async () => {
    await seed();
    const refs = async (scope: Parameters<MetricsService['breakdown']>[0]['scope'], token?: string) => (await service.breakdown({ scope, period, token })).rows.map(r => r.entityRef);
    expect(await refs({ type: 'group', ref: 'group:default/platform' })).toEqual([WEB]);
    expect(await refs({ type: 'group', ref: 'group:default/platform', subTeams: true })).toEqual(['component:default/api', 'component:default/billing', WEB]);
    expect(await refs({ type: 'group', ref: 'group:default/platform', subTeams: true }, 'limited')).toEqual(['component:default/api', WEB]);
    expect(await refs({ type: 'system', ref: 'system:default/shop' })).toEqual(['component:default/api', WEB]);
    expect(await refs({ type: 'domain', ref: 'domain:default/commerce' })).toEqual(['component:default/api', WEB, 'system:default/shop']);
    // With no user token the plugin's own token reads the catalog.
    expect(catalog.tokens).toContain('plugin-token');
  });

  it('gives each entity of a team its values, with 0 deployments for one deployed before and none for one never deployed', async () => {
    await seed();
    const { rows } = await service.breakdown({ scope: { type: 'group', ref: 'group:default/payments' }, period, token: 't' });
    const byRef = Object.fromEntries(rows.map(r => [r.entityRef, r.metrics]));
    expect(byRef['component:default/api']!.deploymentFrequency).toEqual({ value: 0, sampleSize: 0 });
    expect(byRef['component:default/billing']!.deploymentFrequency).toEqual({ value: null, sampleSize: 0, insufficientData: 'no production deployment recorded; at least 1 needed' });
    expect(byRef['component:default/api']!.timeToRestore).toEqual({ value: 2, sampleSize: 1 });
    const team = await service.metrics({ scope: { type: 'group', ref: 'group:default/payments' }, period, interval: 'day', metrics: ['deploymentFrequency'], token: 't' });
    expect(team.metrics).toHaveLength(1);
    expect(team.metrics[0]).toMatchObject({ value: 0, sampleSize: 0 });
    expect(team.metrics[0]!.series).toHaveLength(14);
  });

  it('compares teams on one metric, best first, leaving out teams without data unless named', async () => {
    await seed();
    const all = await service.compare({ metric: 'deploymentFrequency', period, token: 't' });
    expect(all.rows.map(r => [r.groupRef, r.value, r.entities])).toEqual([
      ['group:default/platform', 4 / 14, 1],
      ['group:default/payments', 0, 2],
    ]);
    const nested = await service.compare({ metric: 'deploymentFrequency', period, subTeams: true, groups: ['group:default/platform', 'idle'], token: 't' });
    expect(nested.rows.map(r => [r.groupRef, r.value, r.entities, r.band])).toEqual([
      ['group:default/platform', 4 / 14, 3, 'high'],
      ['group:default/idle', null, 0, null],
    ]);
  });

  it('lists the events behind the change failure rate with why each counted, paged', async () => {
    await seed();
    const first = await service.events({ scope: { type: 'entity', ref: WEB }, metric: 'changeFailureRate', period, limit: 3, token: 't' });
    expect(first.items.map(i => [i.value, i.reason])).toEqual([
      [1, 'failed: status rolled_back'],
      [1, 'failed: incident INC-1 opened 40 min after'],
      [0, 'succeeded: no incident, rollback or hotfix within 24 h after'],
    ]);
    expect(first.items[1]).toMatchObject({ type: 'deployment', id: 'deploy-3', source: 'ci', entityRef: WEB, at: '2026-11-10T00:00:00.000Z', event: { environment: 'production', status: 'succeeded' } });
    expect(first.nextCursor).toBeDefined();
    const second = await service.events({ scope: { type: 'entity', ref: WEB }, metric: 'changeFailureRate', period, limit: 3, cursor: first.nextCursor, token: 't' });
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeUndefined();
    const lead = await service.events({ scope: { type: 'entity', ref: WEB }, metric: 'leadTime', period, token: 't' });
    expect(lead.items.map(i => i.value).sort((a, b) => a! - b!)).toEqual([14, 68, 72]);
  });

  it('brings derived values up to date when events are written (an incident after a deploy, a deploy shipping merged PRs)', async () => {
    const deploys = [deploymentRow('web-shop', FROM + DAY), deploymentRow('web-shop', FROM + 2 * DAY), deploymentRow('web-shop', FROM + 3 * DAY)];
    await insert({ deployments: deploys });
    await service.eventsWritten([{ entityRef: WEB, type: 'deployment', from: FROM + DAY, to: FROM + 3 * DAY }]);
    const cfr = async () => (await service.metrics({ scope: { type: 'entity', ref: WEB }, period, interval: 'week', metrics: ['changeFailureRate', 'leadTime'], token: 't' })).metrics;
    expect((await cfr())[0]).toMatchObject({ value: 0, sampleSize: 3 });

    const incident = incidentRow('web-shop', FROM + 2 * DAY + HOUR, null);
    await insert({ incidents: [incident] });
    await service.eventsWritten([{ entityRef: WEB, type: 'incident', from: incident.opened_at, to: incident.opened_at }]);
    expect((await cfr())[0]).toMatchObject({ value: 1 / 3, sampleSize: 3 });

    const prs = [4, 5, 6].map(h => pullRequestRow('web-shop', FROM + 4 * DAY, FROM + 4 * DAY + h * HOUR));
    await insert({ pullRequests: prs });
    await service.eventsWritten([{ entityRef: WEB, type: 'pullRequest', from: FROM + 4 * DAY, to: FROM + 4 * DAY + 6 * HOUR }]);
    expect((await cfr())[1]).toMatchObject({ value: null, sampleSize: 0 });

    const late = deploymentRow('web-shop', FROM + 5 * DAY);
    await insert({ deployments: [late] });
    await service.eventsWritten([{ entityRef: WEB, type: 'deployment', from: late.finished_at, to: late.finished_at }]);
    expect((await cfr())[1]).toMatchObject({ value: 19, sampleSize: 3 });

    // An earlier deployment arriving out of order ships them sooner.
    const earlier = deploymentRow('web-shop', FROM + 4 * DAY + 12 * HOUR);
    await insert({ deployments: [earlier] });
    await service.eventsWritten([{ entityRef: WEB, type: 'deployment', from: earlier.finished_at, to: earlier.finished_at }]);
    expect((await cfr())[1]).toMatchObject({ value: 7, sampleSize: 3 });
  });

  it('re-attributes a PR to the deployment it names (deployedIn) when that arrives after another deployment shipped it', async () => {
    const shipment = async () => {
      const rows = await db.knex('insights_pr_shipments').select('id', 'deployment_id', 'lead_ms', 'reason');
      return rows.map(r => [r.id, r.deployment_id, Number(r.lead_ms) / HOUR]);
    };
    const pr = pullRequestRow('web-shop', FROM, FROM + HOUR, { deployed_in: 'named-deploy' });
    const other = deploymentRow('web-shop', FROM + 2 * HOUR, { id: 'first-after-merge' });
    await insert({ pullRequests: [pr], deployments: [other] });
    await service.eventsWritten([
      { entityRef: WEB, type: 'pullRequest', from: FROM, to: FROM + HOUR },
      { entityRef: WEB, type: 'deployment', from: other.started_at, to: other.finished_at },
    ]);
    // The named deployment is not known yet: the first successful production deployment after the merge shipped it.
    expect(await shipment()).toEqual([[pr.id, 'first-after-merge', 1]]);

    // It arrives late, finishing after the other one.
    const named = deploymentRow('web-shop', FROM + 5 * HOUR, { id: 'named-deploy' });
    await insert({ deployments: [named] });
    await service.eventsWritten([{ entityRef: WEB, type: 'deployment', from: named.started_at, to: named.finished_at }]);
    expect(await shipment()).toEqual([[pr.id, 'named-deploy', 4]]);
    const lead = await service.events({ scope: { type: 'entity', ref: WEB }, metric: 'leadTime', period, token: 't' });
    expect(lead.items.map(i => [i.id, i.reason])).toEqual([[pr.id, '4 h from merge (first commit unknown) to the end of deployment named-deploy (named by the pull request)']]);

    // And when it turns out to have failed, the PR falls back to the first successful one after the merge.
    await db.knex('deployments').where('id', 'named-deploy').update({ status: 'failed' });
    await service.eventsWritten([{ entityRef: WEB, type: 'deployment', from: named.started_at, to: named.finished_at }]);
    expect(await shipment()).toEqual([[pr.id, 'first-after-merge', 1]]);
  });

  it('drops the outcome of a deployment no longer in production, and updates two entities written together', async () => {
    const web = deploymentRow('web-shop', FROM + DAY, { id: 'web-1' });
    const api = deploymentRow('api', FROM + 2 * DAY, { id: 'api-1', status: 'failed' });
    await insert({ deployments: [web, api] });
    const written = [
      { entityRef: WEB, type: 'deployment' as const, from: web.finished_at, to: web.finished_at },
      { entityRef: 'component:default/api', type: 'deployment' as const, from: api.finished_at, to: api.finished_at },
    ];
    await service.eventsWritten(written);
    const outcomes = async () => (await db.knex('insights_deploy_outcomes').select('id', 'failed').orderBy('id')).map(r => [r.id, Boolean(r.failed)]);
    expect(await outcomes()).toEqual([
      ['api-1', true],
      ['web-1', false],
    ]);

    await db.knex('deployments').where('id', 'web-1').update({ environment: 'staging' });
    await db.knex('deployments').where('id', 'api-1').update({ status: 'succeeded' });
    await service.eventsWritten(written);
    expect(await outcomes()).toEqual([['api-1', false]]);
  });

  it('drops the derived rows of events the retention clean-up deleted', async () => {
    await seed();
    const cutoff = FROM;
    await db.knex('deployments').where('finished_at', '<', cutoff).delete();
    await service.retentionApplied!(cutoff);
    expect(Number((await db.knex('insights_deploy_outcomes').where('finished_at', '<', cutoff).count({ n: '*' }))[0]!.n)).toBe(0);
    const { rows } = await service.breakdown({ scope: { type: 'group', ref: 'group:default/payments' }, period, token: 't' });
    // api's only deployment was before the cutoff: it now has none ever.
    expect(rows.find(r => r.entityRef === 'component:default/api')!.metrics.deploymentFrequency).toMatchObject({ value: null, sampleSize: 0 });
    const web = await service.metrics({ scope: { type: 'entity', ref: WEB }, period, interval: 'week', metrics: ['deploymentFrequency'], token: 't' });
    // Its first deployment is now in the period: the previous period had none ever before its end.
    expect(web.metrics[0]).toMatchObject({ value: 4 / 14, previous: { value: null, sampleSize: 0 } });
  });

  it('stops counting the lead time of a PR the retention deleted, though its deployment is kept', async () => {
    await seed();
    const lead = async () => (await service.events({ scope: { type: 'entity', ref: WEB }, metric: 'leadTime', period, token: 't' })).items.map(i => i.value);
    const value = async () => (await service.metrics({ scope: { type: 'entity', ref: WEB }, period, interval: 'week', metrics: ['leadTime'], token: 't' })).metrics[0]!;
    expect((await lead()).sort((a, b) => a! - b!)).toEqual([14, 68, 72]);
    // The cutoff falls after the first PR was opened (day 0) and before the deployment that shipped it (day 1).
    const cutoff = FROM + HOUR;
    await new EventStore(db.knex).deleteOlderThan(cutoff);
    await service.retentionApplied!(cutoff);
    expect((await lead()).sort((a, b) => a! - b!)).toEqual([68, 72]);
    expect(await value()).toMatchObject({ value: null, sampleSize: 2 });
  });

  it('publishes 30-day facts, leaving out those without enough data', async () => {
    await seed();
    const facts = await service.facts([WEB, 'component:default/billing'], new Date(TO));
    expect(facts.get(WEB)).toEqual({
      'insights.deploysPerWeek': 1.1667,
      'insights.changeFailureRate': 0.4,
      'insights.leadTimeHours': 68,
      'insights.timeToRestoreHours': 2.3333,
      'insights.prCycleTimeHours': 3,
      'insights.reviewedShare': 0.5,
    });
    expect(facts.get('component:default/billing')).toEqual({});
  });

  it('refuses unknown scopes, a scope of the wrong kind, an empty period and a cursor it did not give', async () => {
    await expect(service.metrics({ scope: { type: 'entity', ref: 'component:default/nope' }, period, interval: 'week', token: 't' })).rejects.toMatchObject({ name: 'NotFoundError', message: 'entity component:default/nope not found' });
    await expect(service.breakdown({ scope: { type: 'group', ref: 'component:default/web-shop' }, period, token: 't' })).rejects.toMatchObject({ name: 'InputError' });
    await expect(service.breakdown({ scope: { type: 'entity', ref: WEB }, period: { from: TO, to: FROM }, token: 't' })).rejects.toMatchObject({ name: 'InputError', message: 'from must be before to' });
    await expect(service.events({ scope: { type: 'entity', ref: WEB }, metric: 'leadTime', period, cursor: 'garbage', token: 't' })).rejects.toMatchObject({ name: 'InputError' });
    await expect(service.compare({ metric: 'leadTime', period, groups: ['group:default/nope'], token: 't' })).rejects.toMatchObject({ name: 'NotFoundError' });
  });
});
