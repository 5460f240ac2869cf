import { MockLogger, describeEachDatabase, eventually } from '@portico/test-utils';
import type { Entity } from '@portico/catalog-model';
import { z } from 'zod';
import { InitiativeActionStore, type InitiativeActionRow } from '../database/InitiativeActionStore';
import type { InitiativeStore } from '../database/InitiativeStore';
import { migrations } from '../database/migrations';
import type { EntityScoreRow, ResultStore } from '../database/ResultStore';
import type { InitiativeAction } from '../extensions';
import { InitiativeActionRunner } from './InitiativeActionRunner';
import type { InitiativeService, InitiativeStanding } from './InitiativeService';
import type { ScorecardsCatalog } from './ScorecardsCatalog';

const refs = Array.from({ length: 10 }, (_, i) => `component:default/svc-${i}`);
const initiative = { id: 'i-1', title: 'Runbooks', scorecardRef: 'scorecard:default/readiness', targetLevel: 'Silver', deadline: '2027-03-31T00:00:00.000Z', createdBy: 'user:default/guest', createdAt: '2026-12-01T00:00:00.000Z', actions: [{ type: 'test.ticket' }] };
const standing = {
  initiative,
  scorecard: { ref: 'scorecard:default/readiness', entity: { metadata: { name: 'readiness' } }, spec: { levels: [{ name: 'Bronze', rank: 1 }, { name: 'Silver', rank: 2 }], rules: [{ id: 'runbook', type: 'binary', params: {}, level: 'Silver' }] } },
  targetRank: 2,
  scores: refs.map(entityRef => ({ entityRef, level: 'Bronze', levelRank: 1, failingRules: ['runbook'] }) as unknown as EntityScoreRow),
} as unknown as InitiativeStanding;

describe('InitiativeActionRunner', () => {
  it('takes up no new entity once its run budget is spent, and the next run goes on from there without calling any twice', async () => {
    let clock = 0;
    const rows = new Map<string, InitiativeActionRow>();
    const called: string[] = [];
    const action: InitiativeAction<unknown> = {
      type: 'test.ticket',
      paramsSchema: z.object({}),
      async onFailing(context) {
        called.push(context.entityRef);
        clock += 1_000; // each ticket takes a second
        return { type: 'test.ticket', key: `OPS-${called.length}`, url: `https://tracker.example/OPS-${called.length}` };
      },
    };
    const runner = new InitiativeActionRunner({
      initiatives: { standing: async () => standing } as unknown as InitiativeService,
      store: { list: async () => [initiative] } as unknown as InitiativeStore,
      states: { list: async () => [...rows.values()], save: async (row: InitiativeActionRow) => void rows.set(row.entityRef, row) } as unknown as InitiativeActionStore,
      results: { getRuleResults: async () => [] } as unknown as ResultStore,
      catalog: { getEntitiesByRefs: async (batch: string[]) => batch.map(ref => ({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: ref.split('/')[1] }, spec: {} }) as Entity) } as unknown as ScorecardsCatalog,
      actionTypes: new Map([['test.ticket', action]]),
      logger: new MockLogger(),
      concurrency: 1,
      runBudgetMs: 3_500,
      now: () => clock,
    });
    expect((await runner.runAll()).opened).toBe(4);
    expect(called).toEqual(refs.slice(0, 4));
    expect((await runner.runAll()).opened).toBe(4);
    expect((await runner.runAll()).opened).toBe(2);
    expect(called).toEqual(refs);
    expect([...rows.values()].every(r => r.state === 'open' && r.link)).toBe(true);
    expect(await runner.runAll()).toEqual({ opened: 0, updated: 0, passed: 0, failed: 0, closed: 0 });
  });
});

/**
 * A tracker whose search lags: a ticket is found by its label only `lagMs` after it was created (Jira Cloud's index),
 * on the test's clock.
 */
class LaggingTracker {
  tickets: Array<{ key: string; label: string; entityRef: string; createdAt: number; comments: string[] }> = [];
  calls: Array<{ kind: 'failing' | 'out-of-scope'; entityRef: string; at: number }> = [];
  /** Entities whose next call hangs (the instance is stopped mid-call and never records it): after creating, or before. */
  hangAfterCreate = new Set<string>();
  hangBeforeCreate = new Set<string>();
  /** Entities whose next call creates the ticket and then fails (a timeout: the row is `error`). */
  failAfterCreate = new Set<string>();

  constructor(
    private readonly clock: () => number,
    private readonly lagMs: number,
  ) {}

  action(retryAfterUncertainMs?: number): InitiativeAction<unknown> {
    return {
      type: 'test.ticket',
      paramsSchema: z.object({}),
      ...(retryAfterUncertainMs === undefined ? {} : { retryAfterUncertainMs }),
      onFailing: async ({ entityRef, idempotencyKey, link }) => {
        this.calls.push({ kind: 'failing', entityRef, at: this.clock() });
        if (link) return link;
        if (this.hangBeforeCreate.delete(entityRef)) await new Promise(() => undefined);
        const ticket = this.search(idempotencyKey) ?? this.create(entityRef, idempotencyKey);
        if (this.hangAfterCreate.delete(entityRef)) await new Promise(() => undefined);
        if (this.failAfterCreate.delete(entityRef)) throw new Error('Jira did not answer within 30 s');
        return { type: 'test.ticket', key: ticket.key, url: `https://tracker.example/${ticket.key}` };
      },
      onOutOfScope: async ({ entityRef, idempotencyKey, link }) => {
        this.calls.push({ kind: 'out-of-scope', entityRef, at: this.clock() });
        const ticket = link ? this.tickets.find(t => t.key === link.key) : this.search(idempotencyKey);
        ticket?.comments.push('no longer in scope');
        return ticket && { type: 'test.ticket', key: ticket.key, url: `https://tracker.example/${ticket.key}` };
      },
    };
  }

  ticketsOf(entityRef: string) {
    return this.tickets.filter(t => t.entityRef === entityRef);
  }

  private search(label: string) {
    return this.tickets.find(t => t.label === label && t.createdAt + this.lagMs <= this.clock());
  }

  private create(entityRef: string, label: string) {
    const ticket = { key: `OPS-${this.tickets.length + 1}`, label, entityRef, createdAt: this.clock(), comments: [] };
    this.tickets.push(ticket);
    return ticket;
  }
}

describeEachDatabase('InitiativeActionRunner: a retry of a call cut short', db => {
  const T0 = Date.parse('2026-12-07T10:00:00Z');
  let clock = T0;
  let initiatives = 0;

  beforeAll(async () => {
    for (const m of migrations) await m.up(db.knex);
  });

  /** An initiative of its own (rows are per initiative) over `entityRefs`, all below the target. */
  function setup(entityRefs: string[]) {
    const own = { ...initiative, id: `i-${++initiatives}` };
    let scores = entityRefs.map(entityRef => ({ entityRef, level: 'Bronze', levelRank: 1, failingRules: ['runbook'] }) as unknown as EntityScoreRow);
    const states = new InitiativeActionStore(db.knex);
    /** An instance of the portal: a runner on the shared database. */
    const instance = (action: InitiativeAction<unknown>) =>
      new InitiativeActionRunner({
        initiatives: { standing: async () => ({ ...standing, initiative: own, scores }) } as unknown as InitiativeService,
        store: { list: async () => [own] } as unknown as InitiativeStore,
        states,
        results: { getRuleResults: async () => [] } as unknown as ResultStore,
        catalog: { getEntitiesByRefs: async (batch: string[]) => batch.map(ref => ({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: ref.split('/')[1] }, spec: {} }) as Entity) } as unknown as ScorecardsCatalog,
        actionTypes: new Map([['test.ticket', action]]),
        logger: new MockLogger(),
        now: () => clock,
      });
    const rowOf = async (entityRef: string) => (await states.list(own.id)).find(r => r.entityRef === entityRef);
    const leaveScope = (entityRef: string) => {
      scores = scores.filter(s => s.entityRef !== entityRef);
    };
    return { instance, rowOf, leaveScope, states, initiativeId: own.id };
  }

  /** Starts a run on an instance that is then stopped gracefully: it never records the hanging call's outcome. */
  async function runUntilStopped(runner: InitiativeActionRunner, rowOf: (ref: string) => Promise<InitiativeActionRow | undefined>, hanging: string) {
    void runner.runAll();
    await eventually(async () => expect((await rowOf(hanging))?.state).toBe('pending'));
  }

  beforeEach(() => {
    clock = T0;
  });

  it('waits the default 30 s from the call that was cut short before a retry, which then finds its ticket instead of opening a second', async () => {
    const tracker = new LaggingTracker(() => clock, 20_000);
    const [cut, done] = ['component:default/cut', 'component:default/done'];
    const { instance, rowOf } = setup([cut, done]);
    tracker.hangAfterCreate.add(cut);
    await runUntilStopped(instance(tracker.action()), rowOf, cut);
    await eventually(async () => expect((await rowOf(done))?.state).toBe('open'));
    expect(await rowOf(cut)).toMatchObject({ state: 'pending', attemptStartedAt: T0, attempts: 1 });
    expect(tracker.ticketsOf(cut)).toHaveLength(1);

    // Another instance (or the restarted one) polls a second later, and on every run until the delay has passed.
    const restarted = instance(tracker.action());
    for (const at of [1_000, 10_000, 29_999]) {
      clock = T0 + at;
      expect(await restarted.runAll()).toEqual({ opened: 0, updated: 0, passed: 0, failed: 0, closed: 0 });
    }
    expect(tracker.calls.filter(c => c.entityRef === cut)).toHaveLength(1);
    expect(await rowOf(cut)).toMatchObject({ state: 'pending', attemptStartedAt: T0 });

    clock = T0 + 30_000;
    expect((await restarted.runAll()).opened).toBe(1);
    expect(tracker.calls.filter(c => c.entityRef === cut)).toHaveLength(2);
    expect(tracker.ticketsOf(cut)).toHaveLength(1);
    const [ticket] = tracker.ticketsOf(cut);
    expect(await rowOf(cut)).toMatchObject({ state: 'open', link: { key: ticket.key }, attempts: 0, attemptStartedAt: T0 + 30_000 });
    clock = T0 + 120_000;
    await restarted.runAll();
    expect(tracker.calls.filter(c => c.entityRef === cut)).toHaveLength(2);
  });

  it("waits the action's own retryAfterUncertainMs, from the latest call that was cut short", async () => {
    const tracker = new LaggingTracker(() => clock, 50_000);
    const cut = 'component:default/cut';
    const { instance, rowOf } = setup([cut]);
    // The first call is cut short before it creates anything; the retry creates the ticket and is cut short too.
    tracker.hangBeforeCreate.add(cut);
    await runUntilStopped(instance(tracker.action(60_000)), rowOf, cut);
    clock = T0 + 30_000;
    expect((await instance(tracker.action(60_000)).runAll()).opened).toBe(0);
    clock = T0 + 60_000;
    tracker.hangAfterCreate.add(cut);
    await runUntilStopped(instance(tracker.action(60_000)), rowOf, cut);
    await eventually(() => expect(tracker.ticketsOf(cut)).toHaveLength(1));
    expect(await rowOf(cut)).toMatchObject({ state: 'pending', attemptStartedAt: T0 + 60_000, attempts: 2 });

    // A minute after the first try is not enough: the ticket of the second is not in the search yet.
    const restarted = instance(tracker.action(60_000));
    clock = T0 + 61_000;
    expect((await restarted.runAll()).opened).toBe(0);
    clock = T0 + 119_999;
    expect((await restarted.runAll()).opened).toBe(0);
    clock = T0 + 120_000;
    expect((await restarted.runAll()).opened).toBe(1);
    expect(tracker.ticketsOf(cut)).toHaveLength(1);
    expect(await rowOf(cut)).toMatchObject({ state: 'open', link: { key: tracker.ticketsOf(cut)[0].key } });
  });

  it('retries a call that failed after creating the ticket no sooner than the back-off and the delay both allow', async () => {
    const tracker = new LaggingTracker(() => clock, 80_000);
    const timedOut = 'component:default/timed-out';
    const { instance, rowOf } = setup([timedOut]);
    const runner = instance(tracker.action(90_000));
    tracker.failAfterCreate.add(timedOut);
    expect((await runner.runAll()).failed).toBe(1);
    expect(await rowOf(timedOut)).toMatchObject({ state: 'error', error: 'Jira did not answer within 30 s', attemptStartedAt: T0 });
    clock = T0 + 60_000; // the back-off is due, the delay is not
    expect((await runner.runAll()).opened).toBe(0);
    clock = T0 + 90_000;
    expect((await runner.runAll()).opened).toBe(1);
    expect(tracker.ticketsOf(timedOut)).toHaveLength(1);
    expect(tracker.calls).toHaveLength(2);
  });

  it('tells the action about an entity that left the scope after a call cut short only once that call is findable', async () => {
    const tracker = new LaggingTracker(() => clock, 20_000);
    const cut = 'component:default/cut';
    const { instance, rowOf, leaveScope } = setup([cut]);
    tracker.hangAfterCreate.add(cut);
    await runUntilStopped(instance(tracker.action()), rowOf, cut);
    leaveScope(cut);
    const restarted = instance(tracker.action());
    clock = T0 + 5_000;
    expect((await restarted.runAll()).closed).toBe(0);
    expect(tracker.calls.filter(c => c.kind === 'out-of-scope')).toEqual([]);
    clock = T0 + 30_000;
    expect((await restarted.runAll()).closed).toBe(1);
    expect(tracker.ticketsOf(cut)[0].comments).toEqual(['no longer in scope']);
    expect(await rowOf(cut)).toMatchObject({ state: 'closed', link: { key: tracker.ticketsOf(cut)[0].key } });
  });

  it('waits from updatedAt for a pending row written before the call start was stored', async () => {
    const tracker = new LaggingTracker(() => clock, 20_000);
    const cut = 'component:default/cut';
    const { instance, rowOf, states, initiativeId } = setup([cut]);
    await states.save({ initiativeId, entityRef: cut, actionIndex: 0, actionType: 'test.ticket', state: 'pending', rulesKey: 'runbook', attempts: 1, updatedAt: T0 });
    expect(await rowOf(cut)).not.toHaveProperty('attemptStartedAt');
    const runner = instance(tracker.action());
    clock = T0 + 29_000;
    expect((await runner.runAll()).opened).toBe(0);
    clock = T0 + 30_000;
    expect((await runner.runAll()).opened).toBe(1);
    expect(await rowOf(cut)).toMatchObject({ state: 'open', attemptStartedAt: T0 + 30_000 });
  });
});
