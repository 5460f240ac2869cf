import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createBackendModule } from '@portico/backend-plugin-api';
import { eachDatabase, eventually } from '@portico/test-utils';
import request from 'supertest';
import { z } from 'zod';
import { component, platform, readinessSpec, scorecard, startScorecardsBackend, teamA, type ScorecardsTestBackend } from './__testUtils__/testScorecardsBackend';
import { scorecardsInitiativeActionsExtensionPoint, type InitiativeActionContext } from './extensions';

/** A ticket system in memory: tickets by idempotency key, as a tracker with a searchable label would keep them. */
class FakeTracker {
  tickets = new Map<string, { key: string; entityRef: string; rules: string[]; description: string; comments: string[] }>();
  calls: Array<{ kind: 'failing' | 'passing' | 'out-of-scope'; entityRef: string; link?: string; reason?: string }> = [];
  /** Entities whose next call creates the ticket and then never returns (the process dies mid-call). */
  hangAfterCreate = new Set<string>();
  refuse = new Map<string, string>();
  started = 0;
  /** What the action declares as its `retryAfterUncertainMs` (read on each run); undefined: the default, 30 s. */
  retryAfterUncertainMs: number | undefined;

  module(moduleId = 'tracker') {
    return createBackendModule({
      pluginId: 'scorecards',
      moduleId,
      register: env => {
        env.registerInit({
          deps: { actions: scorecardsInitiativeActionsExtensionPoint },
          init: async ({ actions }) => {
            const retryAfterUncertainMs = () => this.retryAfterUncertainMs;
            actions.addInitiativeAction({
              type: 'test.ticket',
              description: 'A ticket in the fake tracker',
              paramsSchema: z.object({ project: z.string().min(1) }),
              get retryAfterUncertainMs() {
                return retryAfterUncertainMs();
              },
              onFailing: ctx => this.onFailing(ctx),
              onPassing: async ctx => {
                this.calls.push({ kind: 'passing', entityRef: ctx.entityRef, link: ctx.link.key });
                [...this.tickets.values()].find(t => t.key === ctx.link.key)?.comments.push('passes now');
              },
              onOutOfScope: async ctx => {
                this.calls.push({ kind: 'out-of-scope', entityRef: ctx.entityRef, link: ctx.link?.key, reason: ctx.reason });
                const ticket = ctx.link ? [...this.tickets.values()].find(t => t.key === ctx.link!.key) : this.tickets.get(ctx.idempotencyKey);
                ticket?.comments.push(`no longer in scope (${ctx.reason})`);
                return ticket && { type: 'test.ticket', key: ticket.key, url: `https://tracker.example/${ticket.key}` };
              },
            });
          },
        });
      },
    });
  }

  private async onFailing(ctx: InitiativeActionContext<{ project: string }>) {
    this.started++;
    this.calls.push({ kind: 'failing', entityRef: ctx.entityRef, link: ctx.link?.key });
    const refused = this.refuse.get(ctx.entityRef);
    if (refused) throw new Error(refused);
    const rules = ctx.failingRules.map(r => r.id);
    if (ctx.link) {
      [...this.tickets.values()].find(t => t.key === ctx.link!.key)?.comments.push(`failing: ${rules.join(', ')}`);
      return ctx.link;
    }
    let ticket = this.tickets.get(ctx.idempotencyKey);
    if (!ticket) {
      const description = [`${ctx.entityRef} (${ctx.entityUrl})`, ...ctx.failingRules.map(r => `${r.title ?? r.id}: ${r.message}${r.remediation ? ` / ${r.remediation}` : ''}`)].join('\n');
      ticket = { key: `${ctx.params.project}-${this.tickets.size + 1}`, entityRef: ctx.entityRef, rules, description, comments: [] };
      this.tickets.set(ctx.idempotencyKey, ticket);
    }
    if (this.hangAfterCreate.delete(ctx.entityRef)) await new Promise(() => undefined);
    return { type: 'test.ticket', key: ticket.key, url: `https://tracker.example/${ticket.key}` };
  }

  ticketsOf(entityRef: string) {
    return [...this.tickets.values()].filter(t => t.entityRef === entityRef);
  }
}

const runbook = { metadata: { links: [{ url: 'https://wiki/runbook', type: 'runbook' }] } };
const spec = {
  ...readinessSpec,
  rules: readinessSpec.rules.map(r => (r.id === 'has-runbook' ? { ...r, title: 'Has a runbook', remediation: 'Add a link of type runbook.' } : r)),
};
const names = ['alpha', 'bravo', 'charlie', 'delta'];

function createInitiative(backend: ScorecardsTestBackend, actions: unknown) {
  return request(backend.server)
    .post('/api/scorecards/initiatives')
    .send({ title: 'Runbooks', scorecardRef: 'scorecard:default/production-readiness', targetLevel: 'Silver', deadline: '2027-03-31', actions });
}

async function waitForResults(backend: ScorecardsTestBackend, total: number) {
  await eventually(async () => {
    const r = await request(backend.server).get('/api/scorecards/scorecards/default/production-readiness/results').expect(200);
    expect(r.body.totalItems).toBe(total);
  });
}

describe('initiative actions', () => {
  let backend: ScorecardsTestBackend;
  const tracker = new FakeTracker();

  beforeAll(async () => {
    backend = await startScorecardsBackend({
      features: [tracker.module()],
      entities: [teamA, platform, component('payments', runbook), component('search'), component('ledger'), scorecard(spec)],
      config: { backend: { baseUrl: 'https://portal.example' } },
    });
    await waitForResults(backend, 3);
  });

  afterAll(async () => {
    await backend?.stop();
  });

  it("runs as a global task whose lease, left behind by an instance killed mid-run, frees it within a minute", () => {
    // The lease lasts the task's timeout: with PT1H, a crash kept every instance from opening tickets for an hour.
    expect(backend.scheduler.tasks.get('scorecards-initiative-actions')).toMatchObject({ scope: 'global', timeout: 'PT1M' });
  });

  it('refuses at start-up an action type whose retryAfterUncertainMs is not a number of milliseconds', async () => {
    const broken = createBackendModule({
      pluginId: 'scorecards',
      moduleId: 'broken',
      register: env =>
        env.registerInit({
          deps: { actions: scorecardsInitiativeActionsExtensionPoint },
          init: async ({ actions }) =>
            actions.addInitiativeAction({ type: 'broken.ticket', paramsSchema: z.object({}), retryAfterUncertainMs: -1, onFailing: async () => undefined }),
        }),
    });
    await expect(startScorecardsBackend({ features: [broken], entities: [] })).rejects.toThrow(
      "Initiative action type 'broken.ticket': retryAfterUncertainMs must be a number of milliseconds, 0 or more",
    );
  });

  it('refuses an unknown action type and bad params, naming them', async () => {
    const unknown = await createInitiative(backend, [{ type: 'jira.tickt', params: {} }]).expect(400);
    expect(unknown.body.error.message).toBe("actions.0.type: unknown initiative action type 'jira.tickt' (known: test.ticket)");
    const params = await createInitiative(backend, [{ type: 'test.ticket', params: { project: '' } }]).expect(400);
    expect(params.body.error.message).toMatch(/^actions\.0: test\.ticket: params\.project /);
    const list = await request(backend.server).get('/api/scorecards/initiatives').expect(200);
    expect(list.body.items).toEqual([]);
  });

  it('opens one ticket per failing entity, records it on the entity row, and never a second one', async () => {
    const created = await createInitiative(backend, [{ type: 'test.ticket', params: { project: 'OPS' } }]).expect(201);
    expect(created.body.actions).toEqual([{ type: 'test.ticket', params: { project: 'OPS' } }]);

    await backend.scheduler.triggerTask('scorecards-initiative-actions');
    expect(tracker.ticketsOf('component:default/search')).toHaveLength(1);
    expect(tracker.ticketsOf('component:default/ledger')).toHaveLength(1);
    expect(tracker.ticketsOf('component:default/payments')).toHaveLength(0);
    const ticket = tracker.ticketsOf('component:default/search')[0];
    expect(ticket.rules).toEqual(['has-runbook']);
    expect(ticket.description).toContain('https://portal.example/catalog/default/component/search');
    expect(ticket.description).toContain('Has a runbook: catalog.hasRunbook does not hold (false) / Add a link of type runbook.');

    const progress = await request(backend.server).get(`/api/scorecards/initiatives/${created.body.id}`).expect(200);
    const search = progress.body.failing.find((f: { entityRef: string }) => f.entityRef === 'component:default/search');
    expect(search.actions).toEqual([
      { type: 'test.ticket', state: 'open', link: { type: 'test.ticket', key: ticket.key, url: `https://tracker.example/${ticket.key}` }, updatedAt: expect.any(String) },
    ]);

    const calls = tracker.calls.length;
    await backend.scheduler.triggerTask('scorecards-initiative-actions');
    await backend.scheduler.triggerTask('scorecards-initiative-actions');
    expect(tracker.calls).toHaveLength(calls);
    expect(tracker.tickets.size).toBe(2);
  });

  it('comments once when an entity passes, and keeps its ticket when it fails again with the same rules', async () => {
    const searchTicket = tracker.ticketsOf('component:default/search')[0];
    await backend.provider.set([teamA, platform, component('payments', runbook), component('search', runbook), component('ledger'), scorecard(spec)]);
    await eventually(async () => {
      const r = await request(backend.server).get('/api/scorecards/scorecards/default/production-readiness/results?level=Silver').expect(200);
      expect(r.body.items.map((i: { entityRef: string }) => i.entityRef)).toContain('component:default/search');
    });
    await backend.scheduler.triggerTask('scorecards-initiative-actions');
    await backend.scheduler.triggerTask('scorecards-initiative-actions');
    expect(searchTicket.comments).toEqual(['passes now']);
    expect(tracker.calls.filter(c => c.kind === 'passing')).toEqual([{ kind: 'passing', entityRef: 'component:default/search', link: searchTicket.key }]);

    await backend.provider.set([teamA, platform, component('payments', runbook), component('search'), component('ledger'), scorecard(spec)]);
    await eventually(async () => {
      const r = await request(backend.server).get('/api/scorecards/scorecards/default/production-readiness/results?level=Bronze').expect(200);
      expect(r.body.items.map((i: { entityRef: string }) => i.entityRef)).toContain('component:default/search');
    });
    await backend.scheduler.triggerTask('scorecards-initiative-actions');
    expect(tracker.ticketsOf('component:default/search')).toHaveLength(1);
    expect(searchTicket.comments).toEqual(['passes now', 'failing: has-runbook']);
  });

  it('shows a refusal on the entity row and retries it later, not on every run', async () => {
    tracker.refuse.set('component:default/orders', "Field 'components' is required.");
    await backend.provider.set([teamA, platform, component('payments', runbook), component('search'), component('ledger'), component('orders'), scorecard(spec)]);
    await waitForResults(backend, 4);
    await backend.scheduler.triggerTask('scorecards-initiative-actions');
    await backend.scheduler.triggerTask('scorecards-initiative-actions');
    expect(tracker.calls.filter(c => c.entityRef === 'component:default/orders')).toHaveLength(1);
    const list = await request(backend.server).get('/api/scorecards/initiatives').expect(200);
    const progress = await request(backend.server).get(`/api/scorecards/initiatives/${list.body.items[0].id}`).expect(200);
    const orders = progress.body.failing.find((f: { entityRef: string }) => f.entityRef === 'component:default/orders');
    expect(orders.actions).toEqual([{ type: 'test.ticket', state: 'error', error: "Field 'components' is required.", updatedAt: expect.any(String) }]);
  });
});

describe('initiative actions for entities that leave the scope', () => {
  it("closes the row of an entity deleted or no longer matched, telling the action once, and reopens it when it fails again", async () => {
    const tracker = new FakeTracker();
    const kept = [teamA, platform, scorecard(spec), component('alpha')];
    const backend = await startScorecardsBackend({ features: [tracker.module()], entities: [...kept, component('bravo'), component('charlie')] });
    try {
      await waitForResults(backend, 3);
      const created = await createInitiative(backend, [{ type: 'test.ticket', params: { project: 'OPS' } }]).expect(201);
      await backend.scheduler.triggerTask('scorecards-initiative-actions');
      expect(tracker.tickets.size).toBe(3);
      const keyOf = (name: string) => tracker.ticketsOf(`component:default/${name}`)[0].key;

      // bravo is deleted from the catalog; charlie becomes a website, which the scorecard's filter does not match.
      await backend.provider.set([...kept, component('charlie', { spec: { type: 'website' } })]);
      await waitForResults(backend, 1);
      const calls = tracker.calls.length;
      await backend.scheduler.triggerTask('scorecards-initiative-actions');
      expect(tracker.calls.slice(calls)).toEqual(
        expect.arrayContaining([
          { kind: 'out-of-scope', entityRef: 'component:default/bravo', link: keyOf('bravo'), reason: 'deleted' },
          { kind: 'out-of-scope', entityRef: 'component:default/charlie', link: keyOf('charlie'), reason: 'out-of-scope' },
        ]),
      );
      expect(tracker.calls.slice(calls)).toHaveLength(2);
      expect(tracker.ticketsOf('component:default/bravo')[0].comments).toEqual(['no longer in scope (deleted)']);
      const progress = await request(backend.server).get(`/api/scorecards/initiatives/${created.body.id}`).expect(200);
      expect(progress.body.failing.map((f: { entityRef: string }) => f.entityRef)).toEqual(['component:default/alpha']);
      // Closed: later runs leave them alone.
      await backend.scheduler.triggerTask('scorecards-initiative-actions');
      expect(tracker.calls.slice(calls)).toHaveLength(2);

      // charlie is a service again and still fails with the same rules: its ticket is taken up again, not a second one.
      await backend.provider.set([...kept, component('charlie')]);
      await waitForResults(backend, 2);
      await backend.scheduler.triggerTask('scorecards-initiative-actions');
      expect(tracker.ticketsOf('component:default/charlie')).toHaveLength(1);
      expect(tracker.calls.slice(calls + 2)).toEqual([{ kind: 'failing', entityRef: 'component:default/charlie', link: keyOf('charlie') }]);
      const again = await request(backend.server).get(`/api/scorecards/initiatives/${created.body.id}`).expect(200);
      const charlie = again.body.failing.find((f: { entityRef: string }) => f.entityRef === 'component:default/charlie');
      expect(charlie.actions).toEqual([{ type: 'test.ticket', state: 'open', link: { type: 'test.ticket', key: keyOf('charlie'), url: `https://tracker.example/${keyOf('charlie')}` }, updatedAt: expect.any(String) }]);
    } finally {
      await backend.stop();
    }
  });
});

describe('initiative actions across a restart', () => {
  it('resume after a stop mid-way, without a second ticket for any entity, once the cut call is findable', async () => {
    await eachDatabase(async ({ engine, config }) => {
      const tracker = new FakeTracker();
      const entities = [teamA, platform, ...names.map(n => component(n)), scorecard(spec)];
      // SQLite in memory dies with the process: the restart needs a file.
      const database = engine === 'sqlite' ? { client: 'better-sqlite3', connection: path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'initiative-restart-')), 'portico.sqlite') } : config;
      const start = () => startScorecardsBackend({ features: [tracker.module()], entities, config: { backend: { database } } });

      let backend = await start();
      await waitForResults(backend, names.length);
      const created = await createInitiative(backend, [{ type: 'test.ticket', params: { project: 'OPS' } }]).expect(201);
      // The third entity's ticket is created, then the process dies before the portal records it.
      tracker.hangAfterCreate.add('component:default/charlie');
      void backend.scheduler.triggerTask('scorecards-initiative-actions').catch(() => undefined);
      const first = backend;
      await eventually(async () => {
        const progress = await request(first.server).get(`/api/scorecards/initiatives/${created.body.id}`).expect(200);
        const states = Object.fromEntries(progress.body.failing.map((f: { entityRef: string; actions?: Array<{ state: string }> }) => [f.entityRef, f.actions?.[0]?.state]));
        expect(states).toEqual({ 'component:default/alpha': 'open', 'component:default/bravo': 'open', 'component:default/charlie': 'pending', 'component:default/delta': 'open' });
      });
      expect(tracker.tickets.size).toBe(4);
      await backend.stop();
      const callsBefore = tracker.calls.length;

      backend = await start();
      try {
        const restarted = backend;
        await eventually(() => request(restarted.server).get('/api/catalog/entities/by-name/component/default/charlie').expect(200));
        await eventually(() => request(restarted.server).get(`/api/scorecards/initiatives/${created.body.id}`).expect(200));
        // The stop was graceful, so the task is free at once; charlie's call began seconds ago, and a tracker whose
        // search lags (here: declared an hour) may not show its ticket yet: the row waits, not retried on these runs.
        tracker.retryAfterUncertainMs = 3_600_000;
        await backend.scheduler.triggerTask('scorecards-initiative-actions');
        await backend.scheduler.triggerTask('scorecards-initiative-actions');
        expect(tracker.calls.slice(callsBefore)).toEqual([]);
        const waiting = await request(backend.server).get(`/api/scorecards/initiatives/${created.body.id}`).expect(200);
        expect(waiting.body.failing.find((f: { entityRef: string }) => f.entityRef === 'component:default/charlie').actions[0].state).toBe('pending');
        // Once the delay has passed (this tracker's search shows a ticket at once), the retry finds the ticket.
        tracker.retryAfterUncertainMs = 0;
        await backend.scheduler.triggerTask('scorecards-initiative-actions');
        await backend.scheduler.triggerTask('scorecards-initiative-actions');
        for (const name of names) expect(tracker.ticketsOf(`component:default/${name}`)).toHaveLength(1);
        // Only what was cut short (and anything not reached) is called again.
        const again = tracker.calls.slice(callsBefore).map(c => c.entityRef);
        expect(again).toEqual(['component:default/charlie']);
        const progress = await request(backend.server).get(`/api/scorecards/initiatives/${created.body.id}`).expect(200);
        expect(progress.body.failing.map((f: { actions: Array<{ state: string }> }) => f.actions[0].state)).toEqual(names.map(() => 'open'));
      } finally {
        await backend.stop();
      }
    });
  });
});
