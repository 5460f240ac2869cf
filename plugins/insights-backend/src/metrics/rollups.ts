import type { EventsWritten } from './MetricsService';
import { deploymentOutcomes, shipments, type DefinitionConfig, type PullRequestRow } from './definitions';
import { chunks, toDeployment, toIncident, toPullRequest, type Knex } from './rows';

const FAR_PAST = 0;
const FAR_FUTURE = 8_640_000_000_000_000;

/**
 * Keeps the derived tables (insights_deploy_outcomes, insights_pr_shipments; see ./migrations.ts) current after a
 * write. For each entity touched, over the written times widened by the failure window:
 * - a deployment or incident: the outcomes of the entity's production deployments finished within the failure window
 *   before to after the written times (an incident marks the deployments before it; a hotfix the one before it);
 * - a deployment: the shipments of the entity's merged pull requests not yet shipped or shipped at or after the written
 *   times (a new deployment may ship them earlier);
 * - a pull request: the shipments of the entity's pull requests created or merged within the written times.
 * Updates of one entity run one after another in this process.
 */
export class Rollups {
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly db: Knex,
    private readonly config: DefinitionConfig,
  ) {}

  async eventsWritten(changes: EventsWritten[]): Promise<void> {
    const byEntity = new Map<string, { deployments?: [number, number]; incidents?: [number, number]; pullRequests?: [number, number] }>();
    for (const change of changes) {
      const entry = byEntity.get(change.entityRef) ?? {};
      const key = change.type === 'deployment' ? 'deployments' : change.type === 'incident' ? 'incidents' : 'pullRequests';
      const current = entry[key];
      entry[key] = current ? [Math.min(current[0], change.from), Math.max(current[1], change.to)] : [change.from, change.to];
      byEntity.set(change.entityRef, entry);
    }
    await Promise.all(
      [...byEntity].map(([entityRef, ranges]) =>
        this.serialized(entityRef, async () => {
          const outcomeRange = union(ranges.deployments, ranges.incidents);
          if (outcomeRange) await this.updateOutcomes(entityRef, outcomeRange[0], outcomeRange[1]);
          if (ranges.deployments) await this.updateShipmentsAfterDeployments(entityRef, ranges.deployments[0], ranges.deployments[1]);
          if (ranges.pullRequests) await this.updateShipmentsOfPullRequests(entityRef, ranges.pullRequests[0], ranges.pullRequests[1]);
        }),
      ),
    );
  }

  /** Recomputes every derived row of the entities (all when none named): after a bulk load straight into the tables. */
  async rebuild(entityRefs?: string[]): Promise<void> {
    let refs = entityRefs;
    if (!refs) {
      const rows = await this.db.union([this.db('deployments').distinct('entity_ref'), this.db('pull_requests').distinct('entity_ref'), this.db('incidents').distinct('entity_ref')]);
      refs = [...new Set(rows.map((r: { entity_ref: string }) => r.entity_ref))];
    }
    const all: EventsWritten[] = refs.flatMap(entityRef => [
      { entityRef, type: 'deployment' as const, from: FAR_PAST, to: FAR_FUTURE },
      { entityRef, type: 'pullRequest' as const, from: FAR_PAST, to: FAR_FUTURE },
    ]);
    for (const batch of chunks(all, 200)) await this.eventsWritten(batch);
  }

  private serialized(entityRef: string, task: () => Promise<void>): Promise<void> {
    const previous = this.queues.get(entityRef) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(task);
    this.queues.set(entityRef, next);
    void next.finally(() => {
      if (this.queues.get(entityRef) === next) this.queues.delete(entityRef);
    }).catch(() => undefined);
    return next;
  }

  private async updateOutcomes(entityRef: string, lo: number, hi: number): Promise<void> {
    const window = this.config.failureWindowMs;
    const from = Math.max(FAR_PAST, lo - window);
    const to = Math.min(FAR_FUTURE, hi + window);
    const [deployments, incidents] = await Promise.all([
      this.db('deployments').where('entity_ref', entityRef).whereBetween('finished_at', [from, Math.min(FAR_FUTURE, to + window)]),
      this.db('incidents').where('entity_ref', entityRef).whereBetween('opened_at', [from, Math.min(FAR_FUTURE, to + window)]),
    ]);
    const outcomes = deploymentOutcomes(deployments.map(toDeployment), incidents.map(toIncident), this.config).filter(o => o.deployment.finishedAt >= from && o.deployment.finishedAt <= to);
    await this.db.transaction(async trx => {
      await trx('insights_deploy_outcomes').where('entity_ref', entityRef).whereBetween('finished_at', [from, to]).delete();
      const rows = outcomes.map(o => ({ source: o.deployment.source, id: o.deployment.id, entity_ref: entityRef, finished_at: o.deployment.finishedAt, failed: o.failed, reason: o.reason }));
      for (const chunk of chunks(rows, 100)) await trx('insights_deploy_outcomes').insert(chunk).onConflict(['source', 'id']).merge();
    });
  }

  private async updateShipmentsAfterDeployments(entityRef: string, lo: number, hi: number): Promise<void> {
    const rows = await this.db('pull_requests as p')
      .leftJoin('insights_pr_shipments as s', function join() {
        this.on('s.source', '=', 'p.source').andOn('s.id', '=', 'p.id');
      })
      .where('p.entity_ref', entityRef)
      .whereNotNull('p.merged_at')
      .where('p.merged_at', '<=', hi)
      .where(q => q.whereNull('s.id').orWhere('s.shipped_at', '>=', lo))
      .select('p.*');
    await this.updateShipments(entityRef, rows.map(toPullRequest));
  }

  private async updateShipmentsOfPullRequests(entityRef: string, lo: number, hi: number): Promise<void> {
    const rows = await this.db('pull_requests')
      .where('entity_ref', entityRef)
      .where(q => q.whereBetween('merged_at', [lo, hi]).orWhereBetween('created_at', [lo, hi]));
    await this.updateShipments(entityRef, rows.map(toPullRequest));
  }

  private async updateShipments(entityRef: string, pullRequests: PullRequestRow[]): Promise<void> {
    if (pullRequests.length === 0) return;
    const merged = pullRequests.filter(p => p.mergedAt !== null && p.mergedAt !== undefined);
    const earliest = merged.length ? Math.min(...merged.map(p => p.mergedAt!)) : FAR_FUTURE;
    const named = [...new Set(merged.filter(p => p.deployedIn).map(p => p.deployedIn!))];
    const deployments = await this.db('deployments')
      .where('entity_ref', entityRef)
      .where('status', 'succeeded')
      .where(q => {
        q.where('finished_at', '>=', earliest);
        if (named.length) q.orWhereIn('id', named.slice(0, 500));
      });
    const shipped = shipments(merged, deployments.map(toDeployment), this.config).filter(s => s.deployment);
    await this.db.transaction(async trx => {
      for (const chunk of chunks(pullRequests, 200)) {
        await trx('insights_pr_shipments')
          .where(q => {
            for (const p of chunk) q.orWhere(w => w.where('source', p.source).where('id', p.id));
          })
          .delete();
      }
      const rows = shipped.map(s => ({
        source: s.pullRequest.source,
        id: s.pullRequest.id,
        entity_ref: entityRef,
        shipped_at: s.deployment!.finishedAt,
        lead_ms: Math.round(s.leadTimeHours! * 3_600_000),
        deployment_id: s.deployment!.id,
        reason: s.reason.slice(0, 500),
      }));
      for (const chunk of chunks(rows, 100)) await trx('insights_pr_shipments').insert(chunk).onConflict(['source', 'id']).merge();
    });
  }
}

function union(a?: [number, number], b?: [number, number]): [number, number] | undefined {
  if (!a) return b;
  if (!b) return a;
  return [Math.min(a[0], b[0]), Math.max(a[1], b[1])];
}
