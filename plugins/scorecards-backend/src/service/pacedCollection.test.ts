import type { Entity } from '@portico/catalog-model';
import { stringifyEntityRef } from '@portico/catalog-model';
import { matchesEntityFilter } from '@portico/plugin-catalog-common';
import { MockLogger, describeEachDatabase } from '@portico/test-utils';
import { ExemptionStore } from '../database/ExemptionStore';
import { FactStore } from '../database/FactStore';
import { migrations } from '../database/migrations';
import { NotificationStore } from '../database/NotificationStore';
import { ResultStore } from '../database/ResultStore';
import type { RuleType } from '../extensions';
import { catalogFactCollector } from './catalogFactCollector';
import { COLLECT_SLICE, EvaluationService } from './EvaluationService';
import { InPortalChannel } from './notifications/InPortalChannel';
import { Notifier } from './notifications/Notifier';
import { builtinRuleTypes } from './ruleTypes';
import { ScorecardRegistry } from './ScorecardRegistry';
import type { ScorecardsCatalog } from './ScorecardsCatalog';

const component = (name: string, owner?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name }, spec: { type: 'service', ...(owner ? { owner } : {}) },
});

describeEachDatabase('EvaluationService: a scheduled collector run over a large catalog', db => {
  const entities: Entity[] = [];
  const catalog: ScorecardsCatalog = {
    getEntities: async filter => entities.filter(e => matchesEntityFilter(e, filter)),
    getEntitiesByRefs: async refs => refs.map(ref => entities.find(e => stringifyEntityRef(e) === ref)),
  };
  let service: EvaluationService;
  let facts: FactStore;

  beforeAll(async () => {
    for (const m of migrations) await m.up(db.knex);
    const logger = new MockLogger();
    facts = new FactStore(db.knex);
    const ruleTypes = new Map<string, RuleType<unknown>>(builtinRuleTypes.map(t => [t.type, t]));
    service = new EvaluationService({
      catalog,
      registry: new ScorecardRegistry(catalog, ruleTypes, logger, 0),
      facts,
      results: new ResultStore(db.knex),
      exemptions: new ExemptionStore(db.knex),
      collectors: [catalogFactCollector],
      notifier: new Notifier([new InPortalChannel(new NotificationStore(db.knex))], logger),
      logger,
      defaultScheduleMs: 3_600_000,
    });
  });

  it('stores what it collected in slices, pausing between them, and misses no entity', async () => {
    const n = 2 * COLLECT_SLICE + 7;
    for (let i = 0; i < n; i++) entities.push(component(`svc-${i}`, i % 2 ? 'group:default/team' : undefined));
    const pauses: number[] = [];
    const changed = await service.runCollector(catalogFactCollector, undefined, { between: async sliceMs => void pauses.push(sliceMs) });

    expect(pauses).toHaveLength(2);
    expect(pauses.every(ms => ms >= 0)).toBe(true);
    expect(changed).toHaveLength(n);
    const stored = await facts.getFacts(entities.map(e => stringifyEntityRef(e)));
    expect(stored.size).toBe(n);
    expect(stored.get('component:default/svc-0')?.get('catalog.hasOwner')?.value).toBe(false);
    expect(stored.get(`component:default/svc-${n - 2}`)?.get('catalog.hasOwner')?.value).toBe(true);
    expect(stored.get(`component:default/svc-${n - 1}`)?.get('catalog.hasOwner')?.value).toBe(false);

    // a second run finds nothing changed, slice after slice
    expect(await service.runCollector(catalogFactCollector, undefined, { between: async () => undefined })).toEqual([]);
  });

  it('stops between slices once the run is aborted (the task timed out or the instance stops)', async () => {
    entities.length = 0;
    for (let i = 0; i < 3 * COLLECT_SLICE; i++) entities.push(component(`other-${i}`, 'group:default/team'));
    const abort = new AbortController();
    const changed = await service.runCollector(catalogFactCollector, abort.signal, { between: async () => abort.abort() });
    expect(changed).toHaveLength(COLLECT_SLICE);
  });
});
