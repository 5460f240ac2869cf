import { MockLogger } from '@portico/test-utils';
import type { Entity } from '@portico/catalog-model';
import { z } from 'zod';
import type { InitiativeActionRow, InitiativeActionStore } from '../database/InitiativeActionStore';
import type { InitiativeStore } from '../database/InitiativeStore';
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
