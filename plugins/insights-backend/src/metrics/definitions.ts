/**
 * The metrics' definitions as pure functions over arrays of events (times in epoch ms, so time zones never enter:
 * an event pushed as `2026-03-29T01:30:00+01:00` is the same instant as `2026-03-29T00:30:00Z`). The service reads
 * rows and derived facts from the database and calls these; the tests call them on hand-made event sets.
 */
import { INSIGHTS_METRICS, MIN_SAMPLES, type InsightsInterval, type InsightsMetricId, type InsightsValue } from '@portico/plugin-insights-common';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

export interface DeploymentRow {
  source: string;
  id: string;
  entityRef: string;
  environment: string;
  status: 'succeeded' | 'failed' | 'rolled_back' | string;
  startedAt?: number | null;
  finishedAt: number;
  hotfix?: boolean | null;
  version?: string | null;
  commitSha?: string | null;
}

export interface IncidentRow {
  source: string;
  id: string;
  entityRef: string;
  openedAt: number;
  resolvedAt?: number | null;
  severity?: string | null;
}

export interface PullRequestRow {
  source: string;
  id: string;
  entityRef: string;
  number: number;
  createdAt: number;
  firstReviewAt?: number | null;
  mergedAt?: number | null;
  additions?: number | null;
  deletions?: number | null;
  deployedIn?: string | null;
  firstCommitAt?: number | null;
  title?: string | null;
  url?: string | null;
  author?: string | null;
}

export interface DefinitionConfig {
  productionEnvironments: string[];
  failureWindowMs: number;
}

/** Whether a deployment went to production (environment names compare case-insensitively, trimmed). */
export function isProduction(environment: string, productionEnvironments: string[]): boolean {
  const name = environment.trim().toLowerCase();
  return productionEnvironments.some(p => p.trim().toLowerCase() === name);
}

function formatGap(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 120) return `${minutes} min`;
  const hours = ms / HOUR_MS;
  return hours < 48 ? `${Math.round(hours * 10) / 10} h` : `${Math.round((hours / 24) * 10) / 10} days`;
}

const byTime = <T>(time: (t: T) => number) => (a: T, b: T) => time(a) - time(b);

// ---------------------------------------------------------------------------------------------------------------
// Change failure: the outcome of each production deployment

export interface DeploymentOutcome {
  deployment: DeploymentRow;
  failed: boolean;
  /** Plain words, e.g. "failed: incident INC-1 opened 40 min after". */
  reason: string;
}

/**
 * The outcome of each production deployment among `deployments` (other environments are left out): failed when its
 * status is failed or rolled_back, when an incident on the same entity was opened within the failure window after it
 * finished, or when the next production deployment of the entity is marked hotfix and finished within the window.
 * Input order does not matter (events arrive out of order).
 */
export function deploymentOutcomes(deployments: DeploymentRow[], incidents: IncidentRow[], config: DefinitionConfig): DeploymentOutcome[] {
  const production = deployments.filter(d => isProduction(d.environment, config.productionEnvironments));
  const byEntity = groupBy(production, d => d.entityRef);
  const incidentsByEntity = groupBy(incidents, i => i.entityRef);
  const outcomes: DeploymentOutcome[] = [];
  for (const [entityRef, list] of byEntity) {
    list.sort((a, b) => a.finishedAt - b.finishedAt || a.id.localeCompare(b.id));
    const entityIncidents = (incidentsByEntity.get(entityRef) ?? []).slice().sort(byTime(i => i.openedAt));
    list.forEach((deployment, index) => {
      if (deployment.status === 'failed' || deployment.status === 'rolled_back') {
        outcomes.push({ deployment, failed: true, reason: `failed: status ${deployment.status}` });
        return;
      }
      const end = deployment.finishedAt + config.failureWindowMs;
      const incident = entityIncidents.find(i => i.openedAt > deployment.finishedAt && i.openedAt <= end);
      if (incident) {
        outcomes.push({ deployment, failed: true, reason: `failed: incident ${incident.id} opened ${formatGap(incident.openedAt - deployment.finishedAt)} after` });
        return;
      }
      const next = list[index + 1];
      if (next && next.hotfix && next.finishedAt <= end) {
        outcomes.push({ deployment, failed: true, reason: `failed: hotfix deployment ${next.id} finished ${formatGap(next.finishedAt - deployment.finishedAt)} after` });
        return;
      }
      outcomes.push({ deployment, failed: false, reason: `succeeded: no incident, rollback or hotfix within ${formatGap(config.failureWindowMs)} after` });
    });
  }
  return outcomes;
}

// ---------------------------------------------------------------------------------------------------------------
// Lead time: the deployment that shipped each merged pull request

export interface Shipment {
  pullRequest: PullRequestRow;
  /** The deployment that shipped it, or null when none has yet. */
  deployment: DeploymentRow | null;
  /** Hours from its first commit (or merge) to the end of that deployment. */
  leadTimeHours: number | null;
  reason: string;
}

/**
 * Which deployment shipped each merged pull request: the one named by `deployedIn` (same source) when that is a
 * successful production deployment, else the first successful production deployment of the same entity that
 * finished at or after the merge. Unmerged pull requests are left out; a merged one never deployed has no deployment.
 */
export function shipments(pullRequests: PullRequestRow[], deployments: DeploymentRow[], config: DefinitionConfig): Shipment[] {
  const shipping = deployments.filter(d => d.status === 'succeeded' && isProduction(d.environment, config.productionEnvironments));
  const byKey = new Map(shipping.map(d => [`${d.source}\u0000${d.id}`, d]));
  const byEntity = groupBy(shipping, d => d.entityRef);
  for (const list of byEntity.values()) list.sort(byTime(d => d.finishedAt));
  const out: Shipment[] = [];
  for (const pr of pullRequests) {
    if (pr.mergedAt === null || pr.mergedAt === undefined) continue;
    const mergedAt = pr.mergedAt;
    let deployment = pr.deployedIn ? (byKey.get(`${pr.source}\u0000${pr.deployedIn}`) ?? null) : null;
    if (deployment && deployment.entityRef !== pr.entityRef) deployment = null;
    const named = deployment !== null;
    if (!deployment) deployment = firstAtOrAfter(byEntity.get(pr.entityRef) ?? [], mergedAt);
    if (!deployment) {
      out.push({ pullRequest: pr, deployment: null, leadTimeHours: null, reason: 'not counted: merged but not deployed to production yet' });
      continue;
    }
    const start = pr.firstCommitAt ?? mergedAt;
    const leadTimeHours = Math.max(0, deployment.finishedAt - start) / HOUR_MS;
    const from = pr.firstCommitAt !== null && pr.firstCommitAt !== undefined ? 'first commit' : 'merge (first commit unknown)';
    const how = named ? `deployment ${deployment.id} (named by the pull request)` : `deployment ${deployment.id}, the first successful production deployment after the merge`;
    out.push({ pullRequest: pr, deployment, leadTimeHours, reason: `${round(leadTimeHours)} h from ${from} to the end of ${how}` });
  }
  return out;
}

function firstAtOrAfter(sorted: DeploymentRow[], time: number): DeploymentRow | null {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]!.finishedAt < time) lo = mid + 1;
    else hi = mid;
  }
  return sorted[lo] ?? null;
}

// ---------------------------------------------------------------------------------------------------------------
// Values

/** The median of numbers (the mean of the two middle ones for an even count); null for none. */
export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const SAMPLE_NOUNS: Record<InsightsMetricId, [string, string]> = {
  deploymentFrequency: ['production deployment', 'production deployments'],
  leadTime: ['pull request shipped to production', 'pull requests shipped to production'],
  changeFailureRate: ['production deployment', 'production deployments'],
  timeToRestore: ['incident resolved', 'incidents resolved'],
  prCycleTime: ['pull request merged', 'pull requests merged'],
  timeToFirstReview: ['reviewed pull request merged', 'reviewed pull requests merged'],
  reviewedShare: ['pull request merged', 'pull requests merged'],
  prSize: ['pull request merged with its size known', 'pull requests merged with their size known'],
};

/** "2 pull requests merged; at least 3 needed". */
export function insufficientReason(metric: InsightsMetricId, sampleSize: number): string {
  const [one, many] = SAMPLE_NOUNS[metric];
  return `${sampleSize} ${sampleSize === 1 ? one : many}; at least ${MIN_SAMPLES[metric]} needed`;
}

/** A value resting on `sampleSize` events, or null with the reason when there are fewer than MIN_SAMPLES. */
export function valueOf(metric: InsightsMetricId, sampleSize: number, compute: () => number | null): InsightsValue {
  if (sampleSize < MIN_SAMPLES[metric]) return { value: null, sampleSize, insufficientData: insufficientReason(metric, sampleSize) };
  const value = compute();
  return value === null ? { value: null, sampleSize, insufficientData: insufficientReason(metric, sampleSize) } : { value, sampleSize };
}

/** Samples of one metric in a period: what each metric is computed from. */
export interface MetricSamples {
  /** deploymentFrequency: finish times of production deploys. */
  deploys: number[];
  /** changeFailureRate: 1 failed / 0 not. */
  failures: number[];
  /** hours (lead time, restore, cycle, first review) or lines (size). */
  values: number[];
  /** reviewedShare: 1 reviewed / 0 not. */
  reviewed: number[];
}

/**
 * Deployment frequency: production deployments finished in the period per day of the period. An entity (or scope)
 * with no production deployment ever has no value ("no production deployment recorded"); one with deployments before
 * but none in the period has 0.
 */
export function deploymentFrequency(count: number, periodMs: number, everDeployed: boolean): InsightsValue {
  if (!everDeployed && count === 0) return { value: null, sampleSize: 0, insufficientData: 'no production deployment recorded; at least 1 needed' };
  return { value: count / (periodMs / DAY_MS), sampleSize: count };
}

export function ratio(metric: InsightsMetricId, flags: number[]): InsightsValue {
  return valueOf(metric, flags.length, () => flags.reduce((a, b) => a + b, 0) / flags.length);
}

export function medianValue(metric: InsightsMetricId, values: number[]): InsightsValue {
  return valueOf(metric, values.length, () => median(values));
}

// ---------------------------------------------------------------------------------------------------------------
// Per-metric samples over one period, from events (the service's "exact" path and the unit tests' entry point)

export interface EventSet {
  deployments: DeploymentRow[];
  incidents: IncidentRow[];
  pullRequests: PullRequestRow[];
}

/**
 * One metric's value over [from, to) from raw events. `events` must include what the definition looks at outside the
 * period: incidents up to the failure window after it, deployments after it (hotfixes), pull requests merged before it.
 */
export function computeMetric(metric: InsightsMetricId, events: EventSet, period: { from: number; to: number }, config: DefinitionConfig): InsightsValue {
  const inPeriod = (t: number | null | undefined) => t !== null && t !== undefined && t >= period.from && t < period.to;
  switch (metric) {
    case 'deploymentFrequency': {
      const production = events.deployments.filter(d => isProduction(d.environment, config.productionEnvironments));
      const count = production.filter(d => inPeriod(d.finishedAt)).length;
      return deploymentFrequency(count, period.to - period.from, production.some(d => d.finishedAt < period.to));
    }
    case 'changeFailureRate': {
      const outcomes = deploymentOutcomes(events.deployments, events.incidents, config).filter(o => inPeriod(o.deployment.finishedAt));
      return ratio(metric, outcomes.map(o => (o.failed ? 1 : 0)));
    }
    case 'leadTime': {
      const shipped = shipments(events.pullRequests, events.deployments, config).filter(s => s.deployment && inPeriod(s.deployment.finishedAt));
      return medianValue(metric, shipped.map(s => s.leadTimeHours!));
    }
    case 'timeToRestore': {
      const resolved = events.incidents.filter(i => inPeriod(i.resolvedAt));
      return medianValue(metric, resolved.map(i => Math.max(0, i.resolvedAt! - i.openedAt) / HOUR_MS));
    }
    default: {
      const merged = events.pullRequests.filter(p => inPeriod(p.mergedAt));
      return pullRequestMetric(metric, merged);
    }
  }
}

/** The pull-request metrics over the pull requests merged in the period. */
export function pullRequestMetric(metric: InsightsMetricId, merged: PullRequestRow[]): InsightsValue {
  switch (metric) {
    case 'prCycleTime':
      return medianValue(metric, merged.map(p => Math.max(0, p.mergedAt! - p.createdAt) / HOUR_MS));
    case 'timeToFirstReview':
      return medianValue(metric, reviewedBeforeMerge(merged).map(p => Math.max(0, p.firstReviewAt! - p.createdAt) / HOUR_MS));
    case 'reviewedShare':
      return ratio(metric, merged.map(p => (isReviewedBeforeMerge(p) ? 1 : 0)));
    case 'prSize':
      return medianValue(metric, merged.filter(hasSize).map(p => (p.additions ?? 0) + (p.deletions ?? 0)));
    default:
      throw new Error(`${metric} is not a pull-request metric`);
  }
}

export function isReviewedBeforeMerge(p: PullRequestRow): boolean {
  return p.firstReviewAt !== null && p.firstReviewAt !== undefined && p.mergedAt !== null && p.mergedAt !== undefined && p.firstReviewAt <= p.mergedAt;
}
const reviewedBeforeMerge = (list: PullRequestRow[]) => list.filter(isReviewedBeforeMerge);
export const hasSize = (p: PullRequestRow) => (p.additions !== null && p.additions !== undefined) || (p.deletions !== null && p.deletions !== undefined);

// ---------------------------------------------------------------------------------------------------------------
// Intervals (UTC)

/**
 * The intervals of a series over [from, to): days start at 00:00 UTC, weeks on Monday 00:00 UTC, months on the 1st at
 * 00:00 UTC, whatever the time zone events were sent in; the first and last intervals are cut to the period. A day is
 * always 24 h (UTC has no daylight-saving changes).
 */
export function intervals(from: number, to: number, interval: InsightsInterval): Array<{ start: number; end: number }> {
  const out: Array<{ start: number; end: number }> = [];
  let start = from;
  while (start < to) {
    const end = Math.min(to, nextBoundary(start, interval));
    out.push({ start, end });
    start = end;
  }
  return out;
}

export function nextBoundary(time: number, interval: InsightsInterval): number {
  const d = new Date(time);
  const dayStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  if (interval === 'day') return dayStart + DAY_MS;
  if (interval === 'week') {
    const sinceMonday = (d.getUTCDay() + 6) % 7;
    return dayStart + (7 - sinceMonday) * DAY_MS;
  }
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/** The definition text of a metric as the API returns it: the common definition plus how this engine computes it. */
export function definitionText(metric: InsightsMetricId): string {
  return `${INSIGHTS_METRICS[metric].definition} Series intervals (day, week, month) start at 00:00 UTC (weeks on Monday, months on the 1st). Medians are exact.`;
}

// ---------------------------------------------------------------------------------------------------------------

export function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
