import type { Knex } from 'knex';
import type { EntityScorecardResult, RuleResult } from '@portico/plugin-scorecards-common';
import { describeEachDatabase } from '@portico/test-utils';
import { ExemptionStore } from './ExemptionStore';
import { FactStore } from './FactStore';
import { InitiativeStore } from './InitiativeStore';
import { migrations } from './migrations';
import { NotificationStore } from './NotificationStore';
import { PendingEvaluationStore } from './PendingEvaluationStore';
import { ResultStore } from './ResultStore';

const card = 'scorecard:default/readiness';
const T0 = Date.parse('2026-11-27T10:00:00Z');

function rule(ruleId: string, status: RuleResult['status'], at: number, extra: Partial<RuleResult> = {}): RuleResult {
  return { ruleId, status, evidence: { f: status === 'pass' }, message: `${ruleId} ${status}`, exempted: false, evaluatedAt: new Date(at).toISOString(), ...extra };
}

function result(entityRef: string, level: string | null, rank: number, score: number, rules: RuleResult[], at: number): EntityScorecardResult {
  return {
    scorecardRef: card,
    entityRef,
    level,
    levelRank: rank,
    score,
    passed: rules.filter(r => r.status === 'pass').length,
    failed: rules.filter(r => r.status === 'fail').length,
    unknown: rules.filter(r => r.status === 'unknown').length,
    owner: 'group:default/team-a',
    evaluatedAt: new Date(at).toISOString(),
    rules,
  };
}

describeEachDatabase('scorecards storage', db => {
  beforeAll(async () => {
    for (const m of migrations) await m.up(db.knex);
  });

  describe('FactStore', () => {
    it('keeps the latest value per fact and the history', async () => {
      const facts = new FactStore(db.knex);
      await facts.writeFacts([
        { entityRef: 'component:default/a', name: 'coverage.percent', value: 70, source: 'ci', collectedAt: T0 },
        { entityRef: 'component:default/a', name: 'catalog.hasOwner', value: true, source: 'catalog', collectedAt: T0 },
      ]);
      await facts.writeFacts([{ entityRef: 'component:default/a', name: 'coverage.percent', value: 85.5, source: 'ci', collectedAt: T0 + 1000 }]);
      const latest = await facts.getFacts(['component:default/a', 'component:default/none']);
      expect(latest.get('component:default/a')?.get('coverage.percent')).toEqual({ value: 85.5, source: 'ci', collectedAt: T0 + 1000, json: '85.5' });
      expect(latest.has('component:default/none')).toBe(false);
      const history = await facts.factHistory('component:default/a', 'coverage.percent');
      expect(history.map(h => h.value)).toEqual([85.5, 70]);
      expect((await facts.listFacts('component:default/a')).map(f => f.name)).toEqual(['catalog.hasOwner', 'coverage.percent']);
    });

    it('prunes history older than the retention but keeps latest values', async () => {
      const facts = new FactStore(db.knex);
      expect(await facts.pruneHistory(T0 + 500)).toBe(2);
      expect((await facts.factHistory('component:default/a', 'coverage.percent')).map(h => h.value)).toEqual([85.5]);
      expect((await facts.getFacts(['component:default/a'])).get('component:default/a')?.size).toBe(2);
    });

    it('records what the facts cause in their own transaction: both or neither', async () => {
      const facts = new FactStore(db.knex);
      const pending = new PendingEvaluationStore(db.knex);
      const ref = 'component:default/pushed';
      const write = (value: number, within: (tx: Knex.Transaction) => Promise<void>) =>
        facts.writeFacts([{ entityRef: ref, name: 'coverage.percent', value, source: 'ci', collectedAt: T0 }], within);

      await expect(write(10, async tx => {
        await pending.add([ref], T0, tx);
        throw new Error('the process died here');
      })).rejects.toThrow('the process died here');
      expect((await facts.getFacts([ref])).has(ref)).toBe(false);
      expect(await db.knex('pending_entity_evaluations').where({ entity_ref: ref })).toEqual([]);

      await write(20, tx => pending.add([ref], T0, tx));
      expect((await facts.getFacts([ref])).get(ref)?.get('coverage.percent')?.value).toBe(20);
      expect((await db.knex('pending_entity_evaluations').where({ entity_ref: ref })).map(r => r.entity_ref)).toEqual([ref]);
      await db.knex('pending_entity_evaluations').where({ entity_ref: ref }).delete();
    });
  });

  describe('ResultStore', () => {
    it('stores latest results and appends history only on change', async () => {
      const results = new ResultStore(db.knex);
      const first = await results.saveResults(card, [
        result('component:default/a', 'Silver', 2, 0.75, [rule('owner', 'pass', T0), rule('coverage', 'fail', T0)], T0),
        result('component:default/b', null, 0, 0, [rule('owner', 'fail', T0), rule('coverage', 'unknown', T0)], T0),
      ]);
      expect(first).toEqual([]);
      const second = await results.saveResults(card, [
        result('component:default/a', 'Bronze', 1, 0.5, [rule('owner', 'pass', T0 + 60_000), rule('coverage', 'fail', T0 + 60_000, { message: 'coverage fail' })], T0 + 60_000),
      ]);
      expect(second).toEqual([
        {
          scorecardRef: card,
          entityRef: 'component:default/a',
          owner: 'group:default/team-a',
          from: { level: 'Silver', rank: 2 },
          to: { level: 'Bronze', rank: 1 },
        },
      ]);
      expect(await results.countHistory()).toEqual({ rules: 4, scores: 3 });
      const [entityResult] = await results.getEntityResults('component:default/a');
      expect(entityResult).toMatchObject({ level: 'Bronze', levelRank: 1, score: 0.5, evaluatedAt: new Date(T0 + 60_000).toISOString() });
      expect(entityResult.rules.find(r => r.ruleId === 'owner')).toMatchObject({ status: 'pass', evaluatedAt: new Date(T0).toISOString() });
    });

    it('lists scores with filters and cursor pagination', async () => {
      const results = new ResultStore(db.knex);
      const page1 = await results.listScores(card, { limit: 1 });
      expect(page1.items.map(i => i.entityRef)).toEqual(['component:default/a']);
      expect(page1.totalItems).toBe(2);
      expect(page1.nextCursor).toBeDefined();
      const page2 = await results.listScores(card, { limit: 1, cursor: page1.nextCursor });
      expect(page2.items.map(i => i.entityRef)).toEqual(['component:default/b']);
      expect(page2.items[0].failingRules).toEqual(['owner', 'coverage']);
      expect(page2.nextCursor).toBeUndefined();
      expect((await results.listScores(card, { limit: 10, level: 'none' })).items.map(i => i.entityRef)).toEqual(['component:default/b']);
      expect((await results.listScores(card, { limit: 10, failingRule: 'owner' })).totalItems).toBe(1);
      expect((await results.listScores(card, { limit: 10, owner: 'group:default/other' })).totalItems).toBe(0);
    });

    it("reads one owner's scores in entity order from the (scorecard, owner, entity) index", async () => {
      const results = new ResultStore(db.knex);
      const mine = await results.listScores(card, { limit: 10, owner: 'group:default/team-a' });
      expect(mine.items.map(i => i.entityRef)).toEqual(['component:default/a', 'component:default/b']);
      expect(mine.totalItems).toBe(2);
      const ofOwners = await results.listScoresOfOwners({ owners: ['group:default/team-a'], scorecardRefs: [card], limit: 1 });
      expect(ofOwners).toMatchObject({ items: [{ entityRef: 'component:default/a' }], totalItems: 2 });
      if (db.engine === 'sqlite') {
        // no walk over the whole scorecard in key order and no sort: the index gives the owner's rows in order
        const page = db.knex('entity_scores').where({ scorecard_ref: card, owner: 'group:default/team-a' }).orderBy('entity_ref').limit(21).toSQL().toNative();
        const plan = (await db.knex.raw(`EXPLAIN QUERY PLAN ${page.sql}`, page.bindings as Knex.RawBinding[])) as Array<{ detail: string }>;
        expect(plan.map(p => p.detail).join('\n')).toMatch(/USING INDEX entity_scores_scorecard_owner_entity_index \(scorecard_ref=\? AND owner=\?\)/);
        expect(plan.map(p => p.detail).join('\n')).not.toMatch(/TEMP B-TREE/);
      }
    });

    it('records distribution and trend points', async () => {
      const results = new ResultStore(db.knex);
      expect(await results.distribution(card)).toEqual({ Bronze: 1, none: 1 });
      await results.recordTrendPoint(card, T0 + 120_000);
      expect(await results.trends(card)).toEqual([
        { time: new Date(T0 + 120_000).toISOString(), total: 2, averageScore: 0.25, levels: { Bronze: 1, none: 1 } },
      ]);
      const history = await results.levelHistory(card);
      expect(history.map(h => [h.entityRef, h.level])).toEqual([
        ['component:default/a', 'Silver'],
        ['component:default/b', null],
        ['component:default/a', 'Bronze'],
      ]);
    });

    it('drops rules removed from the scorecard and forgets deleted entities', async () => {
      const results = new ResultStore(db.knex);
      await results.saveResults(card, [result('component:default/a', 'Bronze', 1, 1, [rule('owner', 'pass', T0 + 180_000)], T0 + 180_000)]);
      expect((await results.getRuleResults(card, 'component:default/a')).map(r => r.ruleId)).toEqual(['owner']);
      await results.deleteEntityResults(['component:default/b']);
      expect(await results.entityRefs(card)).toEqual(['component:default/a']);
    });
  });

  describe('concurrent writers', () => {
    it('saves overlapping evaluations and facts written in opposite orders at the same time, without a deadlock', async () => {
      const results = new ResultStore(db.knex);
      const facts = new FactStore(db.knex);
      const card = 'scorecard:default/concurrent';
      const refs = Array.from({ length: 900 }, (_, i) => `component:concurrent/c-${String(i).padStart(4, '0')}`);
      for (let round = 0; round < 3; round++) {
        const at = T0 + round * 1000;
        const batch = (order: string[], status: RuleResult['status']) => order.map(ref => ({ ...result(ref, null, 0, round, [rule('a', status, at), rule('b', 'pass', at)], at), scorecardRef: card }));
        const factBatch = (order: string[]) => order.map(entityRef => ({ entityRef, name: 'concurrent.n', value: round, source: 'test', collectedAt: at }));
        const reversed = [...refs].reverse();
        await Promise.all([
          results.saveResults(card, batch(refs, 'fail')),
          results.saveResults(card, batch(reversed, 'pass')),
          facts.writeFacts(factBatch(refs)),
          facts.writeFacts(factBatch(reversed)),
        ]);
      }
      expect((await results.listScores(card, { limit: 1 })).totalItems).toBe(900);
      expect((await facts.getFacts(refs)).size).toBe(900);
    });
  });

  describe('large batches', () => {
    it('writes more rows than one SQLite statement takes', async () => {
      const facts = new FactStore(db.knex);
      const refs = Array.from({ length: 1200 }, (_, i) => `component:bulk/c-${i}`);
      await facts.writeFacts(refs.map(entityRef => ({ entityRef, name: 'bulk.n', value: 1, source: 'bulk', collectedAt: T0 })));
      expect((await facts.getFacts(refs)).size).toBe(1200);
      const results = new ResultStore(db.knex);
      const bulkCard = 'scorecard:default/bulk';
      await results.saveResults(bulkCard, refs.map(ref => ({ ...result(ref, null, 0, 0, [rule('a', 'fail', T0), rule('b', 'pass', T0)], T0), scorecardRef: bulkCard })));
      expect((await results.listScores(bulkCard, { limit: 1 })).totalItems).toBe(1200);
      expect(await results.distribution(bulkCard)).toEqual({ none: 1200 });
    });
  });

  describe('ExemptionStore', () => {
    it('creates, decides once and reports exemptions in force', async () => {
      const store = new ExemptionStore(db.knex);
      const ex = await store.create(
        { scorecardRef: card, entityRef: 'component:default/a', ruleId: 'coverage', reason: 'legacy', expiresAt: T0 + 3_600_000, requestedBy: 'user:default/guest' },
        T0,
      );
      expect(ex.status).toBe('pending');
      expect((await store.activeExemptions(card, T0)).size).toBe(0);
      const decided = await store.decide(ex.id, { status: 'approved', decidedBy: 'user:default/lead' }, T0 + 10);
      expect(decided).toMatchObject({ status: 'approved', decidedBy: 'user:default/lead' });
      expect(await store.decide(ex.id, { status: 'rejected', decidedBy: 'x' }, T0 + 20)).toBeUndefined();
      expect([...((await store.activeExemptions(card, T0 + 100)).get('component:default/a') ?? [])]).toEqual(['coverage']);
      expect((await store.activeExemptions(card, T0 + 3_600_001)).size).toBe(0);
      expect((await store.expiredBetween(T0, T0 + 3_600_001)).map(e => e.id)).toEqual([ex.id]);
      expect((await store.list({ entityRef: 'component:default/a' })).length).toBe(1);
    });

    it('hands out each expired exemption once, however long since the last check and on whichever store instance', async () => {
      const first = new ExemptionStore(db.knex);
      const make = async (entityRef: string, expiresAt: number) => {
        const ex = await first.create({ scorecardRef: card, entityRef, ruleId: 'coverage', reason: 'r', expiresAt, requestedBy: 'user:default/guest' }, T0);
        await first.decide(ex.id, { status: 'approved', decidedBy: 'user:default/lead' }, T0 + 1);
        return ex.id;
      };
      const soon = await make('component:default/x1', T0 + 1_000);
      const later = await make('component:default/x2', T0 + 5_000);
      const pending = await first.create({ scorecardRef: card, entityRef: 'component:default/x3', ruleId: 'coverage', reason: 'r', expiresAt: T0 + 1_000, requestedBy: 'user:default/guest' }, T0);
      expect(await first.takeExpired(T0 + 500)).toEqual([]);
      // a check long after the expiry (an instance that was down, or another one taking the task over) still finds it
      expect((await first.takeExpired(T0 + 2_000)).map(e => e.id)).toEqual([soon]);
      const second = new ExemptionStore(db.knex);
      expect((await second.takeExpired(T0 + 60_000)).map(e => e.id)).toEqual([later]);
      expect(await first.takeExpired(T0 + 120_000)).toEqual([]);
      expect(pending.status).toBe('pending');
    });
  });

  describe('InitiativeStore and NotificationStore', () => {
    it('stores initiatives with their scope', async () => {
      const store = new InitiativeStore(db.knex);
      const created = await store.create(
        { title: 'Gold by Q1', scorecardRef: card, targetLevel: 'Gold', scope: { 'spec.lifecycle': 'production' }, deadline: T0 + 86_400_000 },
        'user:default/guest',
        T0,
      );
      expect(await store.get(created.id)).toMatchObject({ title: 'Gold by Q1', scope: { 'spec.lifecycle': 'production' } });
      expect((await store.list({ scorecardRef: card })).length).toBe(1);
    });

    it('lists notifications for a user and their groups, newest first', async () => {
      const store = new NotificationStore(db.knex);
      await store.add([{ recipient: 'group:default/team-a', kind: 'level-dropped', title: 'a dropped', body: 'b' }], T0);
      const [second] = await store.add([{ recipient: 'user:default/jo', kind: 'exemption-decided', title: 'approved', body: 'b' }], T0 + 1);
      await store.add([{ recipient: 'group:default/other', kind: 'level-dropped', title: 'x', body: 'b' }], T0 + 2);
      const list = await store.list(['user:default/jo', 'group:default/team-a']);
      expect(list.map(n => n.title)).toEqual(['approved', 'a dropped']);
      expect(await store.markRead(second.id, T0 + 5)).toBe(true);
      expect((await store.list(['user:default/jo'], { unreadOnly: true })).length).toBe(0);
    });
  });
});
