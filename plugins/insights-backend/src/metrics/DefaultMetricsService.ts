import type { EventsService, LoggerService } from '@portico/backend-plugin-api';
import { InputError } from '@portico/errors';
import {
  INSIGHTS_FACTS,
  INSIGHTS_METRIC_IDS,
  INSIGHTS_METRICS,
  doraBand,
  type InsightsBreakdownResponse,
  type InsightsComparisonResponse,
  type InsightsEventsResponse,
  type InsightsInterval,
  type InsightsMetricId,
  type InsightsMetricsResponse,
  type InsightsScope,
  type InsightsValue,
} from '@portico/plugin-insights-common';
import {
  DAY_MS,
  HOUR_MS,
  deploymentFrequency,
  definitionText,
  groupBy,
  hasSize,
  intervals,
  isReviewedBeforeMerge,
  medianValue,
  ratio,
  round,
  type DefinitionConfig,
} from './definitions';
import type { DefinitionsReconciled, EventsWritten, MetricsService, Period } from './MetricsService';
import { Rollups } from './rollups';
import { chunks, deploymentEvent, incidentEvent, num, numOrNull, pullRequestEvent, toDeployment, toIncident, toPullRequest, type Knex, type QueryBuilder } from './rows';
import type { ScopeResolver } from './scopes';
import { INSIGHTS_METRICS_CHANGED_TOPIC, type InsightsMetricsChangedEvent } from './topics';

/** One event's contribution to a metric: where it falls in time and its value in the metric's unit. */
interface Sample {
  entityRef: string;
  at: number;
  value: number;
}

type PrMetric = 'prCycleTime' | 'timeToFirstReview' | 'reviewedShare' | 'prSize';
const PR_METRICS: InsightsMetricId[] = ['prCycleTime', 'timeToFirstReview', 'reviewedShare', 'prSize'];

/** Above this many entities a read takes the whole period and filters in memory instead of binding every ref. */
const WHOLE_TABLE_ABOVE = 400;
const EVENTS_PAGE = 100;
const EVENTS_PAGE_MAX = 500;

/** The `insights_state` key of the config the derived rows were computed with. */
const DEFINITIONS_KEY = 'definitions';
/** Raise when a definition changes in code, so the next start recomputes the derived rows like a config change. */
const DEFINITIONS_VERSION = 1;

/**
 * The definition-relevant config as stored in `insights_state`: what the derived rows (deploy outcomes, shipments)
 * depend on. Environment names as compared (trimmed, lower case, each once, sorted), so an equivalent list is equal.
 */
export function definitionsFingerprint(config: DefinitionConfig): string {
  const productionEnvironments = [...new Set(config.productionEnvironments.map(e => e.trim().toLowerCase()))].sort();
  return JSON.stringify({ version: DEFINITIONS_VERSION, productionEnvironments, failureWindowMs: config.failureWindowMs });
}

const describeDefinitions = (fingerprint: string) => {
  try {
    const { productionEnvironments, failureWindowMs } = JSON.parse(fingerprint) as { productionEnvironments: string[]; failureWindowMs: number };
    return `productionEnvironments [${productionEnvironments.join(', ')}], failureWindow ${failureWindowMs} ms`;
  } catch {
    return fingerprint;
  }
};

/**
 * Reads per request: each metric's samples over [from, to) for a set of entities (or all), at most once per metric,
 * from the derived tables (outcomes, shipments) and the raw incidents and pull requests.
 */
class SampleReader {
  private readonly loaded: ReadCache;
  private readonly prefix: string;

  constructor(
    private readonly db: Knex,
    private readonly refs: string[] | null,
    private readonly from: number,
    private readonly to: number,
    cache?: ReadCache,
  ) {
    this.loaded = cache ?? new ReadCache();
    this.prefix = `${refs === null ? '*' : refs.join(',')}\u0000${from}\u0000${to}\u0000`;
  }

  samples(metric: InsightsMetricId): Promise<Sample[]> {
    const key = metric === 'deploymentFrequency' ? 'changeFailureRate' : metric;
    const promise = this.loaded.get(this.prefix + key, () => this.read(key as InsightsMetricId));
    if (metric === 'deploymentFrequency') return promise.then(list => list.map(s => ({ ...s, value: 1 })));
    return promise;
  }

  /** The first production deployment time of each entity (any time), for "no deployment ever" versus 0. */
  firstDeployments(): Promise<Map<string, number>> {
    return this.loaded.get(`${this.prefix}first`, () => this.readFirstDeployments());
  }

  private readFirstDeployments(): Promise<Map<string, number>> {
    return this.rows(
      q => q.from('insights_first_deployments').select('entity_ref', 'first_at'),
      'entity_ref',
    ).then(rows => new Map(rows.map(r => [String(r.entity_ref), num(r.first_at)])));
  }

  private async read(metric: InsightsMetricId): Promise<Sample[]> {
    const { from, to } = this;
    switch (metric) {
      case 'changeFailureRate': {
        const rows = await this.rows(q => q.from('insights_deploy_outcomes').select('entity_ref', 'finished_at', 'failed').where('finished_at', '>=', from).where('finished_at', '<', to), 'entity_ref');
        return rows.map(r => ({ entityRef: String(r.entity_ref), at: num(r.finished_at), value: r.failed === true || r.failed === 1 ? 1 : 0 }));
      }
      case 'leadTime': {
        const rows = await this.rows(q => q.from('insights_pr_shipments').select('entity_ref', 'shipped_at', 'lead_ms').where('shipped_at', '>=', from).where('shipped_at', '<', to), 'entity_ref');
        return rows.map(r => ({ entityRef: String(r.entity_ref), at: num(r.shipped_at), value: num(r.lead_ms) / HOUR_MS }));
      }
      case 'timeToRestore': {
        const rows = await this.rows(
          q => q.from('incidents').select('entity_ref', 'opened_at', 'resolved_at').where('resolved_at', '>=', from).where('resolved_at', '<', to).where('opened_at', '<', to),
          'entity_ref',
        );
        return rows.map(r => ({ entityRef: String(r.entity_ref), at: num(r.resolved_at), value: Math.max(0, num(r.resolved_at) - num(r.opened_at)) / HOUR_MS }));
      }
      default: {
        const pullRequests = this.loaded.get(`${this.prefix}pullRequests`, () => this.rows(
          q =>
            q
              .from('pull_requests')
              .select('entity_ref', 'created_at', 'first_review_at', 'merged_at', 'additions', 'deletions')
              .where('merged_at', '>=', from)
              .where('merged_at', '<', to),
          'entity_ref',
        ));
        return prSamples(metric as PrMetric, await pullRequests);
      }
    }
  }

  private async rows(build: (q: QueryBuilder) => QueryBuilder, refColumn: string): Promise<Array<Record<string, unknown>>> {
    const refs = this.refs;
    if (refs === null || refs.length > WHOLE_TABLE_ABOVE) {
      const rows: Array<Record<string, unknown>> = await build(this.db.queryBuilder());
      if (refs === null) return rows;
      const wanted = new Set(refs);
      return rows.filter(r => wanted.has(String(r[refColumn])));
    }
    if (refs.length === 0) return [];
    const parts = await Promise.all(chunks(refs).map(chunk => build(this.db.queryBuilder()).whereIn(refColumn, chunk)));
    return parts.flat();
  }
}

/**
 * Reads shared for a second between requests (a team page asks /metrics and /breakdown of the same scope at once);
 * emptied by every write, so a pushed event shows at once on this instance.
 */
class ReadCache {
  private readonly entries = new Map<string, { expires: number; value: Promise<unknown> }>();

  constructor(private readonly ttlMs = 0) {}

  get<T>(key: string, read: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && (this.ttlMs === 0 || hit.expires > now)) return hit.value as Promise<T>;
    if (this.ttlMs && this.entries.size > 200) for (const [k, v] of this.entries) if (v.expires <= now) this.entries.delete(k);
    const value = read();
    this.entries.set(key, { expires: now + this.ttlMs, value });
    value.catch(() => this.entries.delete(key));
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}

function prSamples(metric: PrMetric, rows: Array<Record<string, unknown>>): Sample[] {
  const out: Sample[] = [];
  for (const r of rows) {
    const p = { createdAt: num(r.created_at), mergedAt: num(r.merged_at), firstReviewAt: numOrNull(r.first_review_at), additions: numOrNull(r.additions), deletions: numOrNull(r.deletions) };
    const entityRef = String(r.entity_ref);
    const at = p.mergedAt;
    if (metric === 'prCycleTime') out.push({ entityRef, at, value: Math.max(0, p.mergedAt - p.createdAt) / HOUR_MS });
    else if (metric === 'reviewedShare') out.push({ entityRef, at, value: isReviewedBeforeMerge(p as never) ? 1 : 0 });
    else if (metric === 'timeToFirstReview') {
      if (isReviewedBeforeMerge(p as never)) out.push({ entityRef, at, value: Math.max(0, p.firstReviewAt! - p.createdAt) / HOUR_MS });
    } else if (hasSize(p as never)) out.push({ entityRef, at, value: (p.additions ?? 0) + (p.deletions ?? 0) });
  }
  return out;
}

/** A metric's value over [from, to) from its samples. */
function aggregate(metric: InsightsMetricId, samples: Sample[], from: number, to: number, firstDeploy: number | undefined): InsightsValue {
  const inside = samples.filter(s => s.at >= from && s.at < to);
  switch (metric) {
    case 'deploymentFrequency':
      return deploymentFrequency(inside.length, to - from, firstDeploy !== undefined && firstDeploy < to);
    case 'changeFailureRate':
    case 'reviewedShare':
      return ratio(metric, inside.map(s => s.value));
    default:
      return medianValue(metric, inside.map(s => s.value));
  }
}

const earliest = (refs: string[], first: Map<string, number>) => {
  let min: number | undefined;
  for (const ref of refs) {
    const t = first.get(ref);
    if (t !== undefined && (min === undefined || t < min)) min = t;
  }
  return min;
};

const iso = (ms: number) => new Date(ms).toISOString();

function checkPeriod(period: Period) {
  if (!(Number.isFinite(period.from) && Number.isFinite(period.to)) || period.from >= period.to) throw new InputError('from must be before to');
}

export class DefaultMetricsService implements MetricsService {
  private readonly rollups: Rollups;
  private readonly reads = new ReadCache(1_000);

  constructor(
    private readonly db: Knex,
    private readonly scopes: ScopeResolver,
    private readonly config: DefinitionConfig,
    private readonly bus?: EventsService,
    private readonly logger?: LoggerService,
  ) {
    this.rollups = new Rollups(db, config);
  }

  async metrics(request: { scope: InsightsScope; period: Period; interval: InsightsInterval; metrics?: InsightsMetricId[]; token?: string }): Promise<InsightsMetricsResponse> {
    const { scope, period, interval } = request;
    checkPeriod(period);
    const entities = await this.scopes.resolve(scope, request.token);
    const refs = entities.map(e => e.ref);
    const length = period.to - period.from;
    const previous = { from: period.from - length, to: period.from };
    const reader = new SampleReader(this.db, refs, previous.from, period.to, this.reads);
    const ids = request.metrics?.length ? request.metrics : [...INSIGHTS_METRIC_IDS];
    const first = ids.includes('deploymentFrequency') ? earliest(refs, await reader.firstDeployments()) : undefined;
    const slots = intervals(period.from, period.to, interval);
    const metrics = await Promise.all(
      ids.map(async id => {
        const samples = await reader.samples(id);
        const value = aggregate(id, samples, period.from, period.to, first);
        const def = INSIGHTS_METRICS[id];
        return {
          id,
          title: def.title,
          unit: def.unit,
          definition: definitionText(id),
          ...value,
          band: doraBand(id, value.value),
          previous: aggregate(id, samples, previous.from, previous.to, first),
          series: slots.map(slot => ({ start: iso(slot.start), end: iso(slot.end), ...aggregate(id, samples, slot.start, slot.end, first) })),
        };
      }),
    );
    return { scope, from: iso(period.from), to: iso(period.to), interval, entityRefs: refs, metrics };
  }

  async breakdown(request: { scope: InsightsScope; period: Period; token?: string }): Promise<InsightsBreakdownResponse> {
    checkPeriod(request.period);
    const entities = await this.scopes.resolve(request.scope, request.token);
    const values = await this.perEntity(
      entities.map(e => e.ref),
      request.period,
      this.reads,
    );
    return {
      scope: request.scope,
      from: iso(request.period.from),
      to: iso(request.period.to),
      rows: entities.map(e => ({ entityRef: e.ref, ...(e.title ? { title: e.title } : {}), metrics: values.get(e.ref)! })),
    };
  }

  async compare(request: { metric: InsightsMetricId; period: Period; groups?: string[]; subTeams?: boolean; token?: string }): Promise<InsightsComparisonResponse> {
    const { metric, period } = request;
    checkPeriod(period);
    const teams = await this.scopes.teams({ groups: request.groups, subTeams: request.subTeams, token: request.token });
    const all = [...new Set(teams.flatMap(t => t.entityRefs))];
    const reader = new SampleReader(this.db, all.length > WHOLE_TABLE_ABOVE ? null : all, period.from, period.to, this.reads);
    const [samples, first] = await Promise.all([reader.samples(metric), metric === 'deploymentFrequency' ? reader.firstDeployments() : new Map<string, number>()]);
    const byEntity = groupBy(samples, s => s.entityRef);
    const def = INSIGHTS_METRICS[metric];
    const rows = teams
      .map(team => {
        const teamSamples = team.entityRefs.flatMap(ref => byEntity.get(ref) ?? []);
        const value = aggregate(metric, teamSamples, period.from, period.to, earliest(team.entityRefs, first));
        return { groupRef: team.ref, ...(team.title ? { title: team.title } : {}), entities: team.entityRefs.length, ...value, band: doraBand(metric, value.value) };
      })
      .filter(row => request.groups?.length || row.value !== null || row.sampleSize > 0);
    rows.sort((a, b) => {
      if (a.value === null || b.value === null) return a.value === null ? (b.value === null ? a.groupRef.localeCompare(b.groupRef) : 1) : -1;
      return (def.lowerIsBetter ? a.value - b.value : b.value - a.value) || a.groupRef.localeCompare(b.groupRef);
    });
    return { metric, title: def.title, unit: def.unit, definition: definitionText(metric), from: iso(period.from), to: iso(period.to), rows };
  }

  async events(request: { scope: InsightsScope; metric: InsightsMetricId; period: Period; cursor?: string; limit?: number; token?: string }): Promise<InsightsEventsResponse> {
    const { metric, period } = request;
    checkPeriod(period);
    const offset = decodeCursor(request.cursor);
    const limit = Math.min(Math.max(1, request.limit ?? EVENTS_PAGE), EVENTS_PAGE_MAX);
    const refs = (await this.scopes.resolve(request.scope, request.token)).map(e => e.ref);
    const items = await this.eventItems(metric, refs, period);
    items.sort((a, b) => b.atMs - a.atMs || a.source.localeCompare(b.source) || a.id.localeCompare(b.id));
    const page = items.slice(offset, offset + limit).map(({ atMs: _atMs, ...item }) => item);
    return { metric, items: page, ...(offset + limit < items.length ? { nextCursor: encodeCursor(offset + limit) } : {}) };
  }

  async facts(entityRefs: string[], now: Date): Promise<Map<string, Record<string, number>>> {
    const to = now.getTime();
    const values = await this.perEntity(entityRefs.map(r => r.toLowerCase()), { from: to - 30 * DAY_MS, to });
    const out = new Map<string, Record<string, number>>();
    entityRefs.forEach(ref => {
      const v = values.get(ref.toLowerCase())!;
      const facts: Record<string, number> = {};
      const put = (name: string, value: number | null, scale = 1) => {
        if (value !== null) facts[name] = round(value * scale, 4);
      };
      put(INSIGHTS_FACTS.deploysPerWeek, v.deploymentFrequency.value, 7);
      put(INSIGHTS_FACTS.leadTimeHours, v.leadTime.value);
      put(INSIGHTS_FACTS.changeFailureRate, v.changeFailureRate.value);
      put(INSIGHTS_FACTS.timeToRestoreHours, v.timeToRestore.value);
      put(INSIGHTS_FACTS.prCycleTimeHours, v.prCycleTime.value);
      put(INSIGHTS_FACTS.reviewedShare, v.reviewedShare.value);
      out.set(ref, facts);
    });
    return out;
  }

  async eventsWritten(changes: EventsWritten[]): Promise<void> {
    await this.rollups.eventsWritten(changes);
    this.reads.clear();
    if (this.bus && changes.length) {
      const payload: InsightsMetricsChangedEvent = { entityRefs: [...new Set(changes.map(c => c.entityRef))] };
      // The write is done; facts following it are best effort (the hourly collection catches up).
      await this.bus.publish({ topic: INSIGHTS_METRICS_CHANGED_TOPIC, payload }).catch((error: unknown) => this.logger?.warn(`insights.metrics.changed not published: ${(error as Error).message}`));
    }
  }

  async rebuildRollups(entityRefs?: string[]): Promise<void> {
    await this.rollups.rebuild(entityRefs);
    this.reads.clear();
  }

  async reconcileDefinitions(options: { signal?: AbortSignal } = {}): Promise<DefinitionsReconciled> {
    const current = definitionsFingerprint(this.config);
    const row = (await this.db('insights_state').where('key', DEFINITIONS_KEY).first('value')) as { value: string } | undefined;
    const stored = row?.value;
    if (stored === current) return 'unchanged';
    if (stored === undefined && !(await this.anyRowsToRecompute())) {
      await this.storeDefinitions(current);
      return 'recorded';
    }
    const started = Date.now();
    const why = stored === undefined ? `the existing rows' config was not recorded; now ${describeDefinitions(current)}` : `the config changed from ${describeDefinitions(stored)} to ${describeDefinitions(current)}`;
    this.logger?.info(`Insights: recomputing the derived rows (deploy outcomes, PR shipments) of every entity in the background, 50 at a time: ${why}; until its turn an entity's metrics answer from its rows as computed before`);
    const completed = await this.rollups.rebuild(undefined, options);
    this.reads.clear();
    if (!completed) {
      this.logger?.warn('Insights: recomputing the derived rows stopped (shutdown); the next start does it again');
      return 'aborted';
    }
    await this.storeDefinitions(current);
    this.logger?.info(`Insights: recomputed the derived rows of every entity in ${Date.now() - started} ms`);
    return 'rebuilt';
  }

  /** Whether any event or derived row exists (derived rows only exist beside events). */
  private async anyRowsToRecompute(): Promise<boolean> {
    for (const table of ['deployments', 'pull_requests', 'insights_deploy_outcomes', 'insights_pr_shipments']) {
      if (await this.db(table).first(this.db.raw('1 as one'))) return true;
    }
    return false;
  }

  private async storeDefinitions(fingerprint: string): Promise<void> {
    await this.db('insights_state').insert({ key: DEFINITIONS_KEY, value: fingerprint, updated_at: Date.now() }).onConflict('key').merge();
  }

  async retentionApplied(cutoff: number): Promise<void> {
    await this.rollups.retentionApplied(cutoff);
    this.reads.clear();
  }

  /** Every metric's value per entity over the period. */
  private async perEntity(refs: string[], period: Period, cache?: ReadCache): Promise<Map<string, Record<InsightsMetricId, InsightsValue>>> {
    // Read over the previous period too, as /metrics does, so a team page's two requests share one read.
    const reader = new SampleReader(this.db, refs, period.from - (period.to - period.from), period.to, cache);
    const first = await reader.firstDeployments();
    const perMetric = await Promise.all(INSIGHTS_METRIC_IDS.map(async id => [id, groupBy(await reader.samples(id), s => s.entityRef)] as const));
    const out = new Map<string, Record<InsightsMetricId, InsightsValue>>();
    for (const ref of refs) {
      const metrics = {} as Record<InsightsMetricId, InsightsValue>;
      for (const [id, byEntity] of perMetric) metrics[id] = aggregate(id, byEntity.get(ref) ?? [], period.from, period.to, first.get(ref));
      out.set(ref, metrics);
    }
    return out;
  }

  private async eventItems(metric: InsightsMetricId, refs: string[], period: Period) {
    type Item = InsightsEventsResponse['items'][number] & { atMs: number };
    const items: Item[] = [];
    const { from, to } = period;
    for (const chunk of chunks(refs)) {
      if (metric === 'deploymentFrequency' || metric === 'changeFailureRate') {
        const rows = await this.db('insights_deploy_outcomes as o')
          .join('deployments as d', function join() {
            this.on('d.source', '=', 'o.source').andOn('d.id', '=', 'o.id');
          })
          .whereIn('o.entity_ref', chunk)
          .where('o.finished_at', '>=', from)
          .where('o.finished_at', '<', to)
          .select('d.*', 'o.failed as outcome_failed', 'o.reason as outcome_reason');
        for (const r of rows) {
          const d = toDeployment(r);
          const failed = r.outcome_failed === true || r.outcome_failed === 1;
          items.push({
            type: 'deployment',
            id: d.id,
            source: d.source,
            entityRef: d.entityRef,
            at: iso(d.finishedAt),
            atMs: d.finishedAt,
            value: metric === 'deploymentFrequency' ? 1 : failed ? 1 : 0,
            reason: metric === 'deploymentFrequency' ? `counted: production deployment (${d.environment}, ${d.status}) finished in the period` : String(r.outcome_reason),
            event: deploymentEvent(d),
          });
        }
      } else if (metric === 'leadTime') {
        const rows = await this.db('insights_pr_shipments as s')
          .join('pull_requests as p', function join() {
            this.on('p.source', '=', 's.source').andOn('p.id', '=', 's.id');
          })
          .whereIn('s.entity_ref', chunk)
          .where('s.shipped_at', '>=', from)
          .where('s.shipped_at', '<', to)
          .select('p.*', 's.shipped_at as shipment_at', 's.lead_ms as shipment_lead_ms', 's.reason as shipment_reason');
        for (const r of rows) {
          const p = toPullRequest(r);
          items.push({ type: 'pullRequest', id: p.id, source: p.source, entityRef: p.entityRef, at: iso(num(r.shipment_at)), atMs: num(r.shipment_at), value: round(num(r.shipment_lead_ms) / HOUR_MS, 2), reason: String(r.shipment_reason), event: pullRequestEvent(p) });
        }
      } else if (metric === 'timeToRestore') {
        const rows = await this.db('incidents').whereIn('entity_ref', chunk).where('resolved_at', '>=', from).where('resolved_at', '<', to);
        for (const r of rows) {
          const i = toIncident(r);
          const hours = Math.max(0, i.resolvedAt! - i.openedAt) / HOUR_MS;
          items.push({ type: 'incident', id: i.id, source: i.source, entityRef: i.entityRef, at: iso(i.resolvedAt!), atMs: i.resolvedAt!, value: round(hours, 2), reason: `resolved ${round(hours, 2)} h after it was opened`, event: incidentEvent(i) });
        }
      } else if (PR_METRICS.includes(metric)) {
        const rows = await this.db('pull_requests').whereIn('entity_ref', chunk).where('merged_at', '>=', from).where('merged_at', '<', to);
        for (const r of rows) {
          const p = toPullRequest(r);
          const [value, reason] = prReason(metric as PrMetric, p);
          items.push({ type: 'pullRequest', id: p.id, source: p.source, entityRef: p.entityRef, at: iso(p.mergedAt!), atMs: p.mergedAt!, value, reason, event: pullRequestEvent(p) });
        }
      }
    }
    return items;
  }
}

function prReason(metric: PrMetric, p: ReturnType<typeof toPullRequest>): [number | null, string] {
  const reviewed = isReviewedBeforeMerge(p);
  switch (metric) {
    case 'prCycleTime': {
      const h = round(Math.max(0, p.mergedAt! - p.createdAt) / HOUR_MS, 2);
      return [h, `merged ${h} h after it was opened`];
    }
    case 'timeToFirstReview': {
      if (!reviewed) return [null, 'not counted: no review before the merge'];
      const h = round(Math.max(0, p.firstReviewAt! - p.createdAt) / HOUR_MS, 2);
      return [h, `first reviewed ${h} h after it was opened`];
    }
    case 'reviewedShare':
      return reviewed ? [1, 'reviewed before the merge'] : [0, 'merged without a review'];
    default: {
      if (!hasSize(p)) return [null, 'not counted: size unknown'];
      const lines = (p.additions ?? 0) + (p.deletions ?? 0);
      return [lines, `${lines} lines changed (${p.additions ?? 0} added, ${p.deletions ?? 0} deleted)`];
    }
  }
}

function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

function decodeCursor(cursor?: string): number {
  if (!cursor) return 0;
  try {
    const { o } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o: unknown };
    if (typeof o === 'number' && Number.isInteger(o) && o >= 0) return o;
  } catch {
    // fall through
  }
  throw new InputError('cursor is not one this API gave');
}
