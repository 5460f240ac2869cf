import type { DatabaseService } from '@portico/backend-plugin-api';
import { describeEachDatabase } from '@portico/test-utils';
import { CheckpointStore } from './CheckpointStore';
import { EventStore, type DeploymentRow, type IncidentRow } from './EventStore';
import { migrations } from './migrations';

const T0 = Date.parse('2026-11-01T10:00:00Z');
const HOUR = 3_600_000;

function deployment(id: string, overrides: Partial<DeploymentRow> = {}): DeploymentRow {
  return {
    source: 'ci',
    id,
    entity_ref: 'component:default/web-shop',
    environment: 'production',
    version: '1.0.0',
    commit_sha: 'abc123',
    status: 'succeeded',
    started_at: T0,
    finished_at: T0 + HOUR,
    hotfix: false,
    ...overrides,
  };
}

function incident(id: string, overrides: Partial<IncidentRow> = {}): IncidentRow {
  return { source: 'pd', id, entity_ref: 'component:default/web-shop', opened_at: T0, resolved_at: null, severity: 'high', ...overrides };
}

async function migrate(knex: Awaited<ReturnType<DatabaseService['getClient']>>) {
  for (const m of [...migrations].sort((a, b) => a.name.localeCompare(b.name))) await m.up(knex);
}

describeEachDatabase('EventStore', db => {
  let store: EventStore;
  beforeAll(async () => {
    await migrate(db.knex);
    store = new EventStore(db.knex);
  });
  beforeEach(async () => {
    for (const table of ['deployments', 'pull_requests', 'incidents', 'checkpoints', 'insights_pending_updates', 'insights_pr_shipments']) await db.knex(table).delete();
  });

  it('stores new items and counts an identical re-send as duplicates, writing nothing', async () => {
    const first = await store.writeDeployments([deployment('1'), deployment('2', { finished_at: T0 + 5 * HOUR })]);
    expect(first).toEqual({
      accepted: 2,
      duplicates: 0,
      changes: [{ entityRef: 'component:default/web-shop', type: 'deployment', from: T0, to: T0 + 5 * HOUR }],
      pending: expect.any(String),
    });
    const again = await store.writeDeployments([deployment('1'), deployment('2', { finished_at: T0 + 5 * HOUR })]);
    expect(again).toEqual({ accepted: 0, duplicates: 2, changes: [] });
    expect((await store.counts()).deployment).toBe(2);
  });

  it('replaces a changed item and reports its old and new times, so both periods are recomputed', async () => {
    await store.writeIncidents([incident('INC-1')]);
    const resolved = await store.writeIncidents([incident('INC-1', { opened_at: T0 + HOUR, resolved_at: T0 + 3 * HOUR })]);
    expect(resolved).toEqual({ accepted: 1, duplicates: 0, changes: [{ entityRef: 'component:default/web-shop', type: 'incident', from: T0, to: T0 + 3 * HOUR }], pending: expect.any(String) });
    const [row] = await db.knex('incidents').select();
    expect(Number(row.resolved_at)).toBe(T0 + 3 * HOUR);
    expect(Number(row.opened_at)).toBe(T0 + HOUR);
  });

  it('reports both entities when an item moves from one entity to another', async () => {
    await store.writeDeployments([deployment('1')]);
    const moved = await store.writeDeployments([deployment('1', { entity_ref: 'component:default/api' })]);
    expect(moved.changes.map(c => c.entityRef).sort()).toEqual(['component:default/api', 'component:default/web-shop']);
  });

  it('reports the old and the new entity, each with its own times, when an item moves', async () => {
    await store.writeDeployments([deployment('1', { started_at: null, finished_at: T0 })]);
    const moved = await store.writeDeployments([deployment('1', { entity_ref: 'component:default/api', started_at: null, finished_at: T0 + 2 * HOUR })]);
    expect(moved).toEqual({
      accepted: 1,
      duplicates: 0,
      changes: expect.arrayContaining([
        { entityRef: 'component:default/web-shop', type: 'deployment', from: T0, to: T0 },
        { entityRef: 'component:default/api', type: 'deployment', from: T0 + 2 * HOUR, to: T0 + 2 * HOUR },
      ]),
      pending: expect.any(String),
    });
    expect(moved.changes).toHaveLength(2);
    const rows = await db.knex('deployments').select('entity_ref');
    expect(rows).toEqual([{ entity_ref: 'component:default/api' }]);
  });

  it('writes only the new and changed items of a batch mixing new, re-sent and changed ones', async () => {
    await store.writeDeployments([deployment('same', { finished_at: T0 + HOUR }), deployment('edited', { finished_at: T0 + 2 * HOUR })], T0);
    const mixed = await store.writeDeployments(
      [
        deployment('same', { finished_at: T0 + HOUR }),
        deployment('edited', { finished_at: T0 + 2 * HOUR, status: 'failed' }),
        deployment('new', { started_at: null, finished_at: T0 + 9 * HOUR }),
      ],
      T0 + 10 * HOUR,
    );
    // The changed item touches its (unchanged) times; the re-sent one touches nothing.
    expect(mixed).toEqual({ accepted: 2, duplicates: 1, changes: [{ entityRef: 'component:default/web-shop', type: 'deployment', from: T0, to: T0 + 9 * HOUR }], pending: expect.any(String) });
    const rows = await db.knex('deployments').select('id', 'status', 'received_at').orderBy('id');
    expect(rows.map(r => [r.id, r.status, Number(r.received_at)])).toEqual([
      ['edited', 'failed', T0 + 10 * HOUR],
      ['new', 'succeeded', T0 + 10 * HOUR],
      // not rewritten: still the first write's time
      ['same', 'succeeded', T0],
    ]);
  });

  it('stores text with quotes, backslashes, commas, braces and non-Latin characters as sent, and knows it on re-send', async () => {
    const odd = 'a "quoted" \\ back\\slash, {brace} \'single\' ünïcödé 🚀 NULL';
    await store.writeDeployments([deployment('odd', { version: odd, commit_sha: '', environment: 'prod,eu' })]);
    const [row] = await db.knex('deployments').select('version', 'commit_sha', 'environment');
    expect(row).toEqual({ version: odd, commit_sha: '', environment: 'prod,eu' });
    expect(await store.writeDeployments([deployment('odd', { version: odd, commit_sha: '', environment: 'prod,eu' })])).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(await store.writeDeployments([deployment('odd', { version: odd, commit_sha: null, environment: 'prod,eu' })])).toMatchObject({ accepted: 1, duplicates: 0 });
  });

  it('keeps the same id of two sources apart', async () => {
    const result = await store.writeDeployments([deployment('1'), deployment('1', { source: 'other-ci' })]);
    expect(result.accepted).toBe(2);
    expect((await store.counts()).deployment).toBe(2);
  });

  it('tells a hotfix flag and a null from their stored forms (booleans as 0/1, bigints as strings)', async () => {
    await store.writeDeployments([deployment('1', { hotfix: true, started_at: null, version: null })]);
    expect(await store.writeDeployments([deployment('1', { hotfix: true, started_at: null, version: null })])).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(await store.writeDeployments([deployment('1', { hotfix: false, started_at: null, version: null })])).toMatchObject({ accepted: 1, duplicates: 0 });
  });

  it('writes batches larger than one statement holds', async () => {
    const rows = Array.from({ length: 1234 }, (_, i) => deployment(`d${i}`, { finished_at: T0 + i * 1000 }));
    expect(await store.writeDeployments(rows)).toMatchObject({ accepted: 1234, duplicates: 0 });
    expect(await store.writeDeployments(rows)).toMatchObject({ accepted: 0, duplicates: 1234 });
    expect((await store.counts()).deployment).toBe(1234);
  });

  it('stores pull requests with reviewers and compares them on re-send', async () => {
    const pr = {
      source: 'github',
      id: 'acme/shop#1',
      entity_ref: 'component:default/web-shop',
      number: 1,
      title: 'Add cart',
      url: null,
      author: 'ada',
      reviewers: JSON.stringify(['bob']),
      created_at: T0,
      first_review_at: T0 + HOUR,
      merged_at: null,
      additions: 10,
      deletions: 2,
      deployed_in: null,
      first_commit_at: null,
    };
    expect(await store.writePullRequests([pr])).toMatchObject({ accepted: 1 });
    expect(await store.writePullRequests([pr])).toMatchObject({ accepted: 0, duplicates: 1 });
    const merged = await store.writePullRequests([{ ...pr, merged_at: T0 + 4 * HOUR }]);
    expect(merged).toMatchObject({ accepted: 1, changes: [{ from: T0, to: T0 + 4 * HOUR }] });
  });

  it('deletes events older than the retention cutoff in batches, keeping newer ones', async () => {
    const old = Array.from({ length: 25 }, (_, i) => deployment(`old${i}`, { finished_at: T0 - 1000 - i }));
    await store.writeDeployments([...old, deployment('new', { finished_at: T0 })]);
    await store.writeIncidents([incident('old', { opened_at: T0 - 1 }), incident('new', { opened_at: T0 })]);
    const deleted = await store.deleteOlderThan(T0, 10);
    expect(deleted).toEqual({ deployment: 25, pullRequest: 0, incident: 1 });
    expect((await db.knex('deployments').select('id')).map(r => r.id)).toEqual(['new']);
    expect((await db.knex('incidents').select('id')).map(r => r.id)).toEqual(['new']);
  });

  it('deletes the shipment of a deleted pull request with it, even when it shipped after the cutoff', async () => {
    const pr = (id: string, created: number) => ({
      source: 'github',
      id,
      entity_ref: 'component:default/web-shop',
      number: 1,
      title: null,
      url: null,
      author: null,
      reviewers: null,
      created_at: created,
      first_review_at: null,
      merged_at: T0 + HOUR,
      additions: null,
      deletions: null,
      deployed_in: null,
      first_commit_at: null,
    });
    await store.writePullRequests([pr('old', T0 - HOUR), pr('new', T0)]);
    const shipment = (id: string) => ({ source: 'github', id, entity_ref: 'component:default/web-shop', shipped_at: T0 + 2 * HOUR, lead_ms: HOUR, deployment_id: 'd', reason: 'r' });
    await db.knex('insights_pr_shipments').insert([shipment('old'), shipment('new')]);
    expect(await store.deleteOlderThan(T0)).toEqual({ deployment: 0, pullRequest: 1, incident: 0 });
    expect((await db.knex('pull_requests').select('id')).map(r => r.id)).toEqual(['new']);
    expect((await db.knex('insights_pr_shipments').select('id')).map(r => r.id)).toEqual(['new']);
  });

  it('records the changes of a write as pending in the same transaction, until they are cleared', async () => {
    const pending = async () => (await db.knex('insights_pending_updates').select('batch', 'entity_ref', 'type', 'from_at', 'to_at').orderBy('entity_ref')).map(r => [r.batch, r.entity_ref, r.type, Number(r.from_at), Number(r.to_at)]);
    const first = await store.writeDeployments([deployment('1'), deployment('2', { entity_ref: 'component:default/api', started_at: null, finished_at: T0 + 3 * HOUR })], T0 + 4 * HOUR);
    expect(await pending()).toEqual([
      [first.pending, 'component:default/api', 'deployment', T0 + 3 * HOUR, T0 + 3 * HOUR],
      [first.pending, 'component:default/web-shop', 'deployment', T0, T0 + HOUR],
    ]);
    // A write of duplicates only records nothing.
    expect(await store.writeDeployments([deployment('1')])).toEqual({ accepted: 0, duplicates: 1, changes: [] });
    const second = await store.writeIncidents([incident('INC-1', { opened_at: T0 + HOUR })], T0 + 5 * HOUR);
    expect(await store.readPending({ limit: 10 })).toEqual([
      { batch: first.pending, entityRef: 'component:default/api', type: 'deployment', from: T0 + 3 * HOUR, to: T0 + 3 * HOUR },
      { batch: first.pending, entityRef: 'component:default/web-shop', type: 'deployment', from: T0, to: T0 + HOUR },
      { batch: second.pending, entityRef: 'component:default/web-shop', type: 'incident', from: T0 + HOUR, to: T0 + HOUR },
    ]);
    expect(await store.readPending({ limit: 10, before: T0 + 5 * HOUR })).toHaveLength(2);
    await store.clearPending([{ batch: first.pending!, entityRef: 'component:default/api' }, second.pending!]);
    expect((await store.readPending({ limit: 10 })).map(p => p.entityRef)).toEqual(['component:default/web-shop']);

    // Events and their pending changes are stored together or not at all.
    await db.knex.schema.renameTable('insights_pending_updates', 'pending_away');
    try {
      // (SQLite's errors may come from another realm than the test's, which toThrow does not recognise)
      const error = await store.writeDeployments([deployment('3')]).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(error?.message).toMatch(/insights_pending_updates/);
    } finally {
      await db.knex.schema.renameTable('pending_away', 'insights_pending_updates');
    }
    expect(await db.knex('deployments').where('id', '3')).toEqual([]);
  });

  it('keeps a checkpoint per source, replaced on set', async () => {
    const checkpoints = new CheckpointStore(db.knex);
    const github = checkpoints.forSource('github');
    expect(await github.get('repos')).toBeUndefined();
    await github.set('repos', 'acme/a');
    await github.set('repos', 'acme/b');
    await checkpoints.forSource('pagerduty').set('repos', 'other');
    expect(await github.get('repos')).toBe('acme/b');
    expect(await checkpoints.forSource('pagerduty').get('repos')).toBe('other');
  });
});
