import { durationToMilliseconds, type LoggerService } from '@portico/backend-plugin-api';
import { InputError, NotFoundError } from '@portico/errors';
import { parseEntityRef, stringifyEntityRef, type Entity } from '@portico/catalog-model';
import { matchesEntityFilter } from '@portico/plugin-catalog-common';
import {
  type EntityScorecardResult,
  type EvaluateResponse,
  type JsonValue,
} from '@portico/plugin-scorecards-common';
import type { ZodType } from 'zod';
import type { Knex } from 'knex';
import type { FactStore, FactWrite, StoredFact } from '../database/FactStore';
import type { ExemptionStore } from '../database/ExemptionStore';
import type { LevelChange, ResultStore } from '../database/ResultStore';
import type { CollectedFacts, CollectNowResult, FactCollector } from '../extensions';
import type { CompiledScorecard } from './compileScorecard';
import { evaluateEntity } from './evaluateEntity';
import type { Notifier } from './notifications/Notifier';
import type { ScorecardRegistry } from './ScorecardRegistry';
import type { ScorecardsCatalog } from './ScorecardsCatalog';
import { isTransientFailure } from './transientFailure';

export interface EvaluationServiceOptions {
  catalog: ScorecardsCatalog;
  registry: ScorecardRegistry;
  facts: FactStore;
  results: ResultStore;
  exemptions: ExemptionStore;
  collectors: readonly FactCollector[];
  notifier: Notifier;
  logger: LoggerService;
  /** Declared value types of facts pushed from outside (`scorecards.factTypes`). */
  factTypes?: Readonly<Record<string, ZodType>>;
  /** Used for scorecards without a schedule. */
  defaultScheduleMs: number;
  now?: () => Date;
  /**
   * Records entities whose facts changed as waiting for re-evaluation, in the transaction that stores the facts (the
   * durable queue's `recordWithin`): a process that dies after storing them leaves the entities to the next. When
   * given (`recordsChanged`), the refs that `pushFacts`, `collectNow` and `runCollector` return are recorded already:
   * queue them with `add(refs, { recorded: true })`. An evaluation's own collection records nothing: it is evaluating them.
   */
  recordChanged?(tx: Knex.Transaction, entityRefs: string[]): Promise<void>;
}

/** Entities a whole evaluation collects, evaluates and saves at a time, the event loop turning between slices. */
export const WHOLE_SLICE = 250;
/** Entities whose collected facts a scheduled collector run compares and writes at a time. */
export const COLLECT_SLICE = 500;

const scalarOrJson = (value: unknown): value is JsonValue => value !== undefined && typeof value !== 'function';

/** Collects facts, evaluates scorecards and stores the results. */
export class EvaluationService {
  private readonly now: () => Date;
  private readonly factSchemas = new Map<string, { schema: ZodType; owner: string }>();
  private readonly freshness = new Map<string, number>();

  constructor(private readonly options: EvaluationServiceOptions) {
    this.now = options.now ?? (() => new Date());
    for (const collector of options.collectors) {
      const freshnessMs = collector.freshness ? durationToMilliseconds(collector.freshness) : undefined;
      for (const [name, schema] of Object.entries(collector.facts)) {
        this.factSchemas.set(name, { schema, owner: `collector ${collector.id}` });
        if (freshnessMs !== undefined) this.freshness.set(name, freshnessMs);
      }
    }
    for (const [name, schema] of Object.entries(options.factTypes ?? {})) {
      if (!this.factSchemas.has(name)) this.factSchemas.set(name, { schema, owner: 'scorecards.factTypes' });
    }
  }

  /** Fact names with a declared type, for docs and the API. */
  declaredFacts(): string[] {
    return [...this.factSchemas.keys()].sort();
  }

  /**
   * Runs a collector over entities and stores what it returns; returns refs whose facts changed.
   * `known` (the entities' stored facts, if already loaded) is compared against and kept up to date.
   */
  async collect(
    collector: FactCollector,
    entities: Entity[],
    signal?: AbortSignal,
    known?: Map<string, Map<string, StoredFact>>,
    options?: {
      between?: (sliceMs: number) => Promise<void>;
      /** Record the entities whose facts changed as waiting, with the facts (`recordChanged`): not for an evaluation's own collection. */
      record?: boolean;
    },
  ): Promise<string[]> {
    const targets = entities.filter(e => matchesEntityFilter(e, collector.filter));
    if (targets.length === 0) return [];
    let collected: CollectedFacts[];
    try {
      collected = await collector.collect(targets, { signal });
    } catch (error) {
      this.options.logger.error(`Fact collector ${collector.id} failed`, error instanceof Error ? error : { error: String(error) });
      return [];
    }
    const record = options?.record === true;
    if (!options?.between || collected.length <= COLLECT_SLICE) return this.storeCollected(collector, collected, known, record);
    // A scheduled run over the whole catalog (30,000 entities): its facts compared and written in one go held the
    // thread for over 5 s. Slices, each its own transaction, with `between` (background work: a pause) after each.
    const changed: string[] = [];
    for (let i = 0; i < collected.length; i += COLLECT_SLICE) {
      if (signal?.aborted) break;
      const started = performance.now();
      changed.push(...(await this.storeCollected(collector, collected.slice(i, i + COLLECT_SLICE), known, record)));
      if (i + COLLECT_SLICE < collected.length) await options.between(performance.now() - started);
    }
    return changed;
  }

  private async storeCollected(
    collector: FactCollector,
    collected: CollectedFacts[],
    known: Map<string, Map<string, StoredFact>> | undefined,
    record: boolean,
  ): Promise<string[]> {
    const at = this.now().getTime();
    const old = known ?? (await this.options.facts.getFacts(collected.map(c => c.entityRef)));
    const writes: FactWrite[] = [];
    const changed = new Set<string>();
    const unchanged = new Set<string>();
    for (const { entityRef, facts } of collected) {
      for (const [name, value] of Object.entries(facts)) {
        const schema = collector.facts[name];
        if (!schema) {
          this.options.logger.warn(`Fact collector ${collector.id} returned undeclared fact ${name}; dropped`);
          continue;
        }
        let facts = old.get(entityRef);
        const previous = facts?.get(name);
        const primitive = value === null || typeof value !== 'object';
        const json = primitive && previous ? undefined : JSON.stringify(value);
        // History records changes; an unchanged (already validated) value only needs its time renewed.
        if (previous && previous.source === collector.id && (primitive ? previous.value === value : previous.json === json)) {
          previous.collectedAt = at;
          unchanged.add(entityRef);
          continue;
        }
        if (!scalarOrJson(value) || !schema.safeParse(value).success) {
          this.options.logger.warn(`Fact collector ${collector.id} returned a bad value for ${name} of ${entityRef}; dropped`);
          continue;
        }
        writes.push({ entityRef, name, value, source: collector.id, collectedAt: at });
        if (!facts) old.set(entityRef, (facts = new Map()));
        facts.set(name, { value, source: collector.id, collectedAt: at, json: json ?? JSON.stringify(value) });
        changed.add(entityRef);
      }
    }
    await this.options.facts.writeFacts(writes, record ? this.recordWithin([...changed]) : undefined);
    if (collector.freshness && unchanged.size) await this.options.facts.touch(collector.id, [...unchanged], at);
    return [...changed];
  }

  /**
   * Runs the fact collectors that apply to one entity now (`collector`: that one only), for
   * `collectNow` and `POST /collect`. The caller re-evaluates the entity when `changed`.
   */
  async collectNow(entityRef: string, collector?: string): Promise<CollectNowResult> {
    const chosen = collector === undefined ? this.options.collectors : this.options.collectors.filter(c => c.id === collector);
    if (collector !== undefined && chosen.length === 0) {
      const known = this.options.collectors.map(c => c.id).sort().join(', ');
      throw new InputError(`collector: no fact collector '${collector}' (known: ${known})`);
    }
    const [entity] = await this.options.catalog.getEntitiesByRefs([entityRef]);
    if (!entity) throw new NotFoundError(`No entity '${entityRef}' in the catalog`);
    const ref = stringifyEntityRef(entity);
    const ran: string[] = [];
    let changed = false;
    for (const c of chosen) {
      if (!matchesEntityFilter(entity, c.filter)) continue;
      ran.push(c.id);
      if ((await this.collect(c, [entity], undefined, undefined, { record: true })).length) changed = true;
    }
    if (collector !== undefined && ran.length === 0) throw new InputError(`collector: fact collector '${collector}' does not apply to ${ref} (its filter)`);
    return { entityRef: ref, collectors: ran, changed };
  }

  /**
   * Runs one collector on its own schedule over every entity it applies to; what it returns is stored COLLECT_SLICE
   * entities at a time, `between` (default: a turn of the event loop) after each.
   */
  async runCollector(collector: FactCollector, signal?: AbortSignal, options?: { between?: (sliceMs: number) => Promise<void> }): Promise<string[]> {
    const entities = await this.options.catalog.getEntities(collector.filter);
    return this.collect(collector, entities, signal, undefined, {
      between: options?.between ?? (() => new Promise<void>(resolve => setImmediate(resolve))),
      record: true,
    });
  }

  /** Facts pushed by an external system: the entity must exist and declared facts must have the right type. */
  async pushFacts(input: { entityRef: string; source: string; facts: Record<string, unknown> }): Promise<{ entityRef: string; accepted: string[] }> {
    let entityRef: string;
    try {
      entityRef = stringifyEntityRef(parseEntityRef(input.entityRef));
    } catch (error) {
      throw new InputError(`entityRef: ${(error as Error).message}`);
    }
    const [entity] = await this.options.catalog.getEntitiesByRefs([entityRef]);
    if (!entity) throw new InputError(`entityRef: no entity ${entityRef} in the catalog`);
    const problems: string[] = [];
    for (const [name, value] of Object.entries(input.facts)) {
      const declared = this.factSchemas.get(name);
      if (declared && !declared.schema.safeParse(value).success) {
        problems.push(`facts.${name}: ${JSON.stringify(value)} does not have the type declared by ${declared.owner}`);
      }
      if (value === undefined) problems.push(`facts.${name}: a value is required`);
    }
    if (problems.length) throw new InputError(problems.join('; '), { issues: problems });
    const at = this.now().getTime();
    await this.options.facts.writeFacts(
      Object.entries(input.facts).map(([name, value]) => ({ entityRef, name, value: value as JsonValue, source: input.source, collectedAt: at })),
      this.recordWithin([entityRef]),
    );
    return { entityRef, accepted: Object.keys(input.facts) };
  }

  /** Whether changed entities are recorded with their facts (`recordChanged` given): queue them as recorded. */
  get recordsChanged(): boolean {
    return this.options.recordChanged !== undefined;
  }

  /** What `writeFacts` runs in its transaction to record `entityRefs` as changed (see `recordChanged`). */
  private recordWithin(entityRefs: string[]): ((tx: Knex.Transaction) => Promise<void>) | undefined {
    const record = this.options.recordChanged;
    return record && entityRefs.length ? tx => record(tx, entityRefs) : undefined;
  }

  private async evaluate(
    scorecard: CompiledScorecard,
    entities: Entity[],
    facts: Map<string, Map<string, StoredFact>>,
    phase: (name: string) => void = () => undefined,
  ): Promise<{ results: EntityScorecardResult[]; changes: LevelChange[] }> {
    const now = this.now();
    const refs = entities.map(e => stringifyEntityRef(e));
    const exemptions = await this.options.exemptions.activeExemptions(scorecard.ref, now.getTime(), refs.length <= 500 ? refs : undefined);
    phase('load');
    const freshness = (name: string) => this.freshness.get(name);
    const results = entities.map((entity, i) =>
      evaluateEntity({ scorecard, entity, facts: facts.get(refs[i]) ?? new Map(), exemptedRules: exemptions.get(refs[i]), freshness, now }),
    );
    phase('evaluate');
    const changes = await this.options.results.saveResults(scorecard.ref, results);
    phase('save');
    return { results, changes };
  }

  /** Loads the entities' facts once and refreshes those of `collectFor` (some of them) with the collectors that run on change. */
  private async collectOnChange(entities: Entity[], collectFor: Entity[], phase: (name: string) => void = () => undefined): Promise<Map<string, Map<string, StoredFact>>> {
    const facts = entities.length ? await this.options.facts.getFacts(entities.map(e => stringifyEntityRef(e))) : new Map<string, Map<string, StoredFact>>();
    phase('facts');
    if (collectFor.length === 0) return facts;
    for (const collector of this.options.collectors) {
      if (collector.collectOnChange) await this.collect(collector, collectFor, undefined, facts);
    }
    return facts;
  }

  /**
   * Evaluates a whole scorecard now: every entity its filter matches, WHOLE_SLICE entities at a time with a turn of
   * the event loop between slices, so that requests on the same thread are served meanwhile. `between(sliceMs)`
   * (background work: a pause) replaces that turn.
   */
  async evaluateScorecard(scorecard: CompiledScorecard, options?: { between?: (sliceMs: number) => Promise<void> }): Promise<EntityScorecardResult[]> {
    const started = this.now().getTime();
    const phases: Record<string, number> = {};
    let mark = performance.now();
    const phase = (name: string) => {
      const t = performance.now();
      phases[name] = (phases[name] ?? 0) + Math.round(t - mark);
      mark = t;
    };
    const entities = (await this.options.catalog.getEntities(scorecard.spec.filter)).filter(e =>
      matchesEntityFilter(e, scorecard.spec.filter),
    );
    phase('read');
    const results: EntityScorecardResult[] = [];
    const changes: LevelChange[] = [];
    const between = options?.between ?? (() => new Promise<void>(resolve => setImmediate(resolve)));
    let sliceStarted = performance.now();
    for (let i = 0; i < entities.length; i += WHOLE_SLICE) {
      if (i > 0) {
        await between(performance.now() - sliceStarted);
        mark = sliceStarted = performance.now();
      }
      const slice = entities.slice(i, i + WHOLE_SLICE);
      const facts = await this.collectOnChange(slice, slice, phase);
      phase('collect');
      const evaluated = await this.evaluate(scorecard, slice, facts, phase);
      results.push(...evaluated.results);
      changes.push(...evaluated.changes);
    }
    const current = new Set(results.map(r => r.entityRef));
    const gone = (await this.options.results.entityRefs(scorecard.ref)).filter(ref => !current.has(ref));
    await this.options.results.deleteEntityResults(gone, scorecard.ref);
    await this.options.results.setLastRun(scorecard.ref, started);
    await this.options.results.recordTrendPoint(scorecard.ref, started);
    await this.notifyLevelChanges(scorecard, changes);
    phase('finish');
    this.options.logger.info(`Evaluated scorecard ${scorecard.ref}: ${results.length} entities in ${this.now().getTime() - started} ms`, { phases });
    return results;
  }

  /**
   * Re-evaluates only the given entities on every scorecard that applies to them (a change in the
   * catalog or in their facts). Entities gone from the catalog lose their facts and results.
   * `covered(scorecardRef, entityRef)`: a whole evaluation of that scorecard already saw the entity as it is now
   * (see EvaluationCoverage); it is neither evaluated on that scorecard nor collected again for it.
   */
  async evaluateEntities(entityRefs: string[], only?: CompiledScorecard, options?: { covered?: (scorecardRef: string, entityRef: string) => boolean }): Promise<EvaluateResponse> {
    const refs = [...new Set(entityRefs)];
    const found = await this.options.catalog.getEntitiesByRefs(refs);
    const entities = found.filter((e): e is Entity => e !== undefined);
    const removed = refs.filter((_, i) => !found[i]);
    if (removed.length) {
      await this.options.results.deleteEntityResults(removed);
      for (const ref of removed) await this.options.facts.deleteEntity(ref);
    }
    const scorecards = only ? [only] : await this.options.registry.valid();
    const covered = options?.covered;
    const entityRefsOf = new Map(entities.map(e => [e, stringifyEntityRef(e)]));
    const plans = scorecards.map(scorecard => {
      const matching: Entity[] = [];
      const notMatching: string[] = [];
      for (const e of entities) {
        const ref = entityRefsOf.get(e)!;
        if (!matchesEntityFilter(e, scorecard.spec.filter)) notMatching.push(ref);
        else if (!covered?.(scorecard.ref, ref)) matching.push(e);
      }
      return { scorecard, matching, notMatching };
    });
    // a covered entity the scorecard matches had its facts collected by that whole evaluation
    const collectFor = covered
      ? entities.filter(e => !scorecards.some(s => covered(s.ref, entityRefsOf.get(e)!) && matchesEntityFilter(e, s.spec.filter)))
      : entities;
    const needFacts = new Set([...collectFor, ...plans.flatMap(p => p.matching)]);
    const facts = await this.collectOnChange(covered ? entities.filter(e => needFacts.has(e)) : entities, collectFor);
    const response: EvaluateResponse = { results: [], errors: [] };
    for (const { scorecard, matching, notMatching } of plans) {
      try {
        if (notMatching.length) await this.options.results.deleteEntityResults(notMatching, scorecard.ref);
        if (matching.length === 0) continue;
        const { results, changes } = await this.evaluate(scorecard, matching, facts);
        response.results.push(...results);
        await this.notifyLevelChanges(scorecard, changes);
      } catch (error) {
        // The database went away: the caller tries these entities again (recorded as an error, they would be lost).
        if (isTransientFailure(error)) throw error;
        // One broken scorecard must not stop the others.
        const message = error instanceof Error ? error.message : String(error);
        this.options.logger.error(`Evaluating ${scorecard.ref} failed: ${message}`);
        response.errors.push({ scorecardRef: scorecard.ref, message });
      }
    }
    return response;
  }

  /** Evaluates every valid scorecard whose schedule says it is due (`between`: see evaluateScorecard). */
  async runDueScorecards(options?: { between?: (sliceMs: number) => Promise<void> }): Promise<void> {
    const now = this.now().getTime();
    for (const scorecard of await this.options.registry.valid()) {
      const last = await this.options.results.getLastRun(scorecard.ref);
      const every = scorecard.scheduleMs ?? this.options.defaultScheduleMs;
      if (last !== undefined && now - last < every) continue;
      try {
        await this.evaluateScorecard(scorecard, options);
      } catch (error) {
        this.options.logger.error(`Scheduled evaluation of ${scorecard.ref} failed`, error instanceof Error ? error : { error: String(error) });
      }
    }
  }

  private async notifyLevelChanges(scorecard: CompiledScorecard, changes: LevelChange[]): Promise<void> {
    const title = scorecard.entity.metadata.title ?? scorecard.entity.metadata.name;
    const drops = changes.filter(c => c.to.rank < c.from.rank && c.owner);
    await this.options.notifier.notify(
      drops.map(c => {
        const { kind, namespace, name } = parseEntityRef(c.entityRef);
        return {
          recipient: c.owner!,
          kind: 'level-dropped' as const,
          title: `${name} dropped to ${c.to.level ?? 'no level'} on ${title}`,
          body: `${c.entityRef} went from ${c.from.level ?? 'no level'} to ${c.to.level ?? 'no level'} on scorecard ${title}.`,
          link: `/catalog/${namespace}/${kind}/${name}/scorecards`,
        };
      }),
    );
  }
}
