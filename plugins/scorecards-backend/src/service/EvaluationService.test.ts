import type { Entity } from '@portico/catalog-model';
import { stringifyEntityRef } from '@portico/catalog-model';
import { matchesEntityFilter } from '@portico/plugin-catalog-common';
import { MockLogger, describeEachDatabase } from '@portico/test-utils';
import { ExemptionStore } from '../database/ExemptionStore';
import { FactStore } from '../database/FactStore';
import { migrations } from '../database/migrations';
import { NotificationStore } from '../database/NotificationStore';
import { ResultStore } from '../database/ResultStore';
import type { FactCollector, RuleType } from '../extensions';
import { z } from 'zod';
import { catalogFactCollector } from './catalogFactCollector';
import { EvaluationService } from './EvaluationService';
import { InPortalChannel } from './notifications/InPortalChannel';
import { Notifier } from './notifications/Notifier';
import { builtinRuleTypes } from './ruleTypes';
import { ScorecardRegistry } from './ScorecardRegistry';
import type { ScorecardsCatalog } from './ScorecardsCatalog';

function component(name: string): Entity {
  return { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name }, spec: { type: 'service', owner: 'team-a' } };
}

const card: Entity = {
  apiVersion: 'portico.dev/v1alpha1',
  kind: 'Scorecard',
  metadata: { name: 'basics' },
  spec: {
    owner: 'group:default/platform',
    filter: { kind: 'component' },
    levels: [{ name: 'Bronze', rank: 1 }],
    rules: [{ id: 'owner', type: 'binary', params: { fact: 'catalog.hasOwner' }, level: 'Bronze' }],
    schedule: 'PT1H',
  },
};

/** An in-memory catalog that records which refs were asked for. */
class FakeCatalog implements ScorecardsCatalog {
  readonly askedByRef: string[][] = [];
  fullReads = 0;
  constructor(public entities: Entity[]) {}
  async getEntities(filter?: Parameters<ScorecardsCatalog['getEntities']>[0]) {
    if (!filter || !('kind' in filter && String(filter.kind).toLowerCase() === 'scorecard')) this.fullReads++;
    return this.entities.filter(e => matchesEntityFilter(e, filter));
  }
  async getEntitiesByRefs(refs: string[]) {
    this.askedByRef.push(refs);
    return refs.map(ref => this.entities.find(e => stringifyEntityRef(e) === ref));
  }
}

describeEachDatabase('EvaluationService', db => {
  let clock = Date.parse('2026-11-27T10:00:00Z');
  const catalog = new FakeCatalog([component('a'), component('b'), card]);
  let service: EvaluationService;
  let results: ResultStore;

  /** A service over this database, the fake catalog and the test's clock; `overrides` replace its parts. */
  function serviceWith(overrides: Partial<ConstructorParameters<typeof EvaluationService>[0]> = {}): EvaluationService {
    const logger = new MockLogger();
    const ruleTypes = new Map<string, RuleType<unknown>>(builtinRuleTypes.map(t => [t.type, t]));
    return new EvaluationService({
      catalog,
      registry: new ScorecardRegistry(catalog, ruleTypes, logger, 0),
      facts: new FactStore(db.knex),
      results,
      exemptions: new ExemptionStore(db.knex),
      collectors: [catalogFactCollector],
      notifier: new Notifier([new InPortalChannel(new NotificationStore(db.knex))], logger),
      logger,
      defaultScheduleMs: 3_600_000,
      now: () => new Date(clock),
      ...overrides,
    });
  }

  beforeAll(async () => {
    for (const m of migrations) await m.up(db.knex);
    results = new ResultStore(db.knex);
    service = serviceWith();
  });

  it('runs a scorecard when it has never run and again once its schedule has passed', async () => {
    await service.runDueScorecards();
    expect(await results.getLastRun('scorecard:default/basics')).toBe(clock);
    expect(await results.distribution('scorecard:default/basics')).toEqual({ Bronze: 2 });
    const reads = catalog.fullReads;
    clock += 30 * 60_000;
    await service.runDueScorecards();
    expect(catalog.fullReads).toBe(reads);
    clock += 31 * 60_000;
    await service.runDueScorecards();
    expect(catalog.fullReads).toBe(reads + 1);
    expect((await results.trends('scorecard:default/basics')).length).toBe(2);
  });

  it('writes fact history only when a collected value changes', async () => {
    const facts = new FactStore(db.knex);
    const history = await facts.factHistory('component:default/a', 'catalog.hasOwner');
    expect(history).toHaveLength(1);
    await service.evaluateEntities(['component:default/a']);
    expect(await facts.factHistory('component:default/a', 'catalog.hasOwner')).toHaveLength(1);
  });

  it('re-evaluates only the changed entity', async () => {
    catalog.entities[1] = { ...component('b'), spec: { type: 'service' } };
    catalog.askedByRef.length = 0;
    const reads = catalog.fullReads;
    const response = await service.evaluateEntities(['component:default/b']);
    expect(catalog.askedByRef).toEqual([['component:default/b']]);
    expect(catalog.fullReads).toBe(reads);
    expect(response.results.map(r => [r.entityRef, r.level])).toEqual([['component:default/b', null]]);
    expect(await results.distribution('scorecard:default/basics')).toEqual({ Bronze: 1, none: 1 });
  });

  it('skips an entity on a scorecard whose whole evaluation already saw it, and evaluates it on the others', async () => {
    catalog.entities[0] = { ...component('a'), spec: { type: 'service' } };
    const covered = await service.evaluateEntities(['component:default/a'], undefined, { covered: () => true });
    expect(covered.results).toEqual([]);
    expect(await results.distribution('scorecard:default/basics')).toEqual({ Bronze: 1, none: 1 });

    const notCovered = await service.evaluateEntities(['component:default/a'], undefined, { covered: card => card !== 'scorecard:default/basics' });
    expect(notCovered.results.map(r => [r.entityRef, r.level])).toEqual([['component:default/a', null]]);
    expect(await results.distribution('scorecard:default/basics')).toEqual({ none: 2 });
    catalog.entities[0] = component('a');
    await service.evaluateEntities(['component:default/a']);
  });

  it('forgets an entity that left the catalog', async () => {
    catalog.entities = catalog.entities.filter(e => e.metadata.name !== 'b');
    await service.evaluateEntities(['component:default/b']);
    expect(await results.entityRefs('scorecard:default/basics')).toEqual(['component:default/a']);
  });
  it('throws when the database goes away while it saves (the queue tries again), and records any other failure', async () => {
    let failure = new Error('Connection terminated unexpectedly');
    const broken = Object.create(results) as ResultStore;
    broken.saveResults = async () => {
      throw failure;
    };
    const failing = serviceWith({ results: broken });
    await expect(failing.evaluateEntities(['component:default/a'])).rejects.toThrow('Connection terminated unexpectedly');
    failure = new Error('a rule type broke');
    expect((await failing.evaluateEntities(['component:default/a'])).errors).toEqual([{ scorecardRef: 'scorecard:default/basics', message: 'a rule type broke' }]);
  });

  it('records the entities whose facts changed in the facts\' transaction, except in its own evaluation', async () => {
    let runs = 0;
    // a value that changes on every run, collected on its schedule, when asked and on change
    const counter: FactCollector = {
      id: 'counter',
      filter: { kind: 'component' },
      facts: { 'counter.runs': z.number() },
      collectOnChange: true,
      collect: async entities => entities.map(e => ({ entityRef: stringifyEntityRef(e), facts: { 'counter.runs': ++runs } })),
    };
    const recorded: string[][] = [];
    const recording = serviceWith({
      collectors: [counter],
      recordChanged: async (tx, refs) => {
        // in the facts' transaction: it sees the facts being written
        const written = await tx('facts').whereIn('entity_ref', refs).where({ name: 'counter.runs' }).select('entity_ref');
        expect(written.map(r => r.entity_ref).sort()).toEqual([...refs].sort());
        recorded.push([...refs]);
      },
    });
    expect(recording.recordsChanged).toBe(true);

    expect(await recording.runCollector(counter)).toEqual(['component:default/a']);
    expect(await recording.collectNow('component:default/a')).toMatchObject({ changed: true });
    await recording.pushFacts({ entityRef: 'component:a', source: 'ci', facts: { 'coverage.percent': 80 } });
    expect(recorded).toEqual([['component:default/a'], ['component:default/a'], ['component:default/a']]);

    // evaluating the entity collects its facts too (they change), and records nothing: it is being evaluated
    await recording.evaluateEntities(['component:default/a']);
    expect(runs).toBe(3);
    expect(recorded).toHaveLength(3);
  });
});
