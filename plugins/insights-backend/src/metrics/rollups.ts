import { deleteEntityRanges, upsertRows, type ColumnType } from '../database/bulkStatements';
import type { EventsWritten } from './MetricsService';
import { deploymentOutcomes, groupBy, shipments, type DefinitionConfig, type PullRequestRow } from './definitions';
import { chunks, toDeployment, toIncident, toPullRequest, type Knex } from './rows';

const FAR_PAST = 0;
const FAR_FUTURE = 8_640_000_000_000_000;
/** Entities recomputed per set of queries. */
const ENTITY_CHUNK = 50;
/** Rows per insert (7 columns: well under SQLite's and PostgreSQL's bound-variable limits). */
const INSERT_CHUNK = 500;

type Range = [number, number];

const OUTCOME_COLUMNS: Record<string, ColumnType> = { source: 'text', id: 'text', entity_ref: 'text', finished_at: 'bigint', failed: 'boolean', reason: 'text' };
const SHIPMENT_ROW_COLUMNS: Record<string, ColumnType> = {
  source: 'text',
  id: 'text',
  entity_ref: 'text',
  shipped_at: 'bigint',
  lead_ms: 'bigint',
  deployment_id: 'text',
  reason: 'text',
};

/** The pull-request columns a shipment is computed from (the rest, titles and reviewers, are not read). */
const SHIPMENT_COLUMNS = ['source', 'id', 'entity_ref', 'number', 'created_at', 'merged_at', 'deployed_in', 'first_commit_at'];

/**
 * Keeps the derived tables (insights_deploy_outcomes, insights_pr_shipments; see ./migrations.ts) current after a
 * write. For the entities touched, over the written times:
 * - a deployment or incident: the outcomes of the entities' production deployments finished from one failure window
 *   before to one after the written times (an incident marks the deployments before it; a hotfix the one before it);
 * - a deployment: the shipments of the entities' merged pull requests not yet shipped (merged before the written
 *   times end) or shipped at or after the written times start (a new deployment may ship them earlier);
 * - a pull request: the shipments of the entities' pull requests created or merged within the written times.
 * Entities are handled in chunks, each chunk's rows read with one query per table over the chunk's widest range and
 * replaced in one transaction. Updates run one after another in this process.
 */
export class Rollups {
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Knex,
    private readonly config: DefinitionConfig,
  ) {}

  /** The update queued behind the running one, which later writes join (applied as one, sharing its queries). */
  private waiting: { changes: EventsWritten[]; run: Promise<void> } | null = null;

  /**
   * Brings the derived rows of the changes up to date; resolves once they are. Writes arriving while an update runs
   * are merged into the next one (each entity's ranges widened to cover them all), so concurrent pushes share one
   * set of queries instead of queueing one update each.
   */
  eventsWritten(changes: EventsWritten[]): Promise<void> {
    if (this.waiting) {
      this.waiting.changes.push(...changes);
      return this.waiting.run;
    }
    const waiting: { changes: EventsWritten[]; run: Promise<void> } = { changes: [...changes], run: Promise.resolve() };
    waiting.run = this.queue
      .catch(() => undefined)
      .then(() => {
        if (this.waiting === waiting) this.waiting = null;
        return this.apply(waiting.changes);
      });
    this.waiting = waiting;
    this.queue = waiting.run;
    return waiting.run;
  }

  /**
   * Recomputes every derived row of the entities (all when none named): after a bulk load straight into the tables,
   * or a change of the definitions' config. Entities go ENTITY_CHUNK at a time, each chunk one queued update, so the
   * updates of writes arriving meanwhile run between chunks instead of waiting for the whole rebuild. Stops between
   * chunks once `signal` is aborted; resolves whether it went through every entity.
   */
  async rebuild(entityRefs?: string[], options: { signal?: AbortSignal } = {}): Promise<boolean> {
    let refs = entityRefs;
    if (!refs) {
      const rows = await this.db.union([this.db('deployments').distinct('entity_ref'), this.db('pull_requests').distinct('entity_ref'), this.db('incidents').distinct('entity_ref')]);
      refs = [...new Set(rows.map((r: { entity_ref: string }) => r.entity_ref))].sort();
    }
    for (const chunk of chunks(refs, ENTITY_CHUNK)) {
      if (options.signal?.aborted) return false;
      await this.eventsWritten(chunk.map(entityRef => ({ entityRef, type: 'deployment' as const, from: FAR_PAST, to: FAR_FUTURE })));
    }
    return true;
  }

  /**
   * After the retention clean-up deleted events older than `cutoff`: the derived rows of those events go too (a
   * deployment's outcome by its finish, a shipment by its deployment's finish), and each entity's first production
   * deployment is read again where it was older.
   */
  retentionApplied(cutoff: number): Promise<void> {
    // Writes after this one queue behind it, not in an update before it.
    this.waiting = null;
    const run = this.queue.catch(() => undefined).then(async () => {
      await this.db('insights_deploy_outcomes').where('finished_at', '<', cutoff).delete();
      await this.db('insights_pr_shipments').where('shipped_at', '<', cutoff).delete();
      const stale = (await this.db('insights_first_deployments').where('first_at', '<', cutoff).select('entity_ref')).map((r: { entity_ref: string }) => r.entity_ref);
      for (const refs of chunks(stale)) {
        await this.db.transaction(async trx => {
          const firsts = (await trx('insights_deploy_outcomes').whereIn('entity_ref', refs).select('entity_ref').min({ first: 'finished_at' }).groupBy('entity_ref')) as Array<{ entity_ref: string; first: unknown }>;
          await trx('insights_first_deployments').whereIn('entity_ref', refs).delete();
          for (const chunk of chunks(firsts.map(r => ({ entity_ref: r.entity_ref, first_at: Number(r.first) })), INSERT_CHUNK)) await trx('insights_first_deployments').insert(chunk);
        });
      }
    });
    this.queue = run;
    return run;
  }

  private async apply(changes: EventsWritten[]): Promise<void> {
    const outcomes = new Map<string, Range>();
    const afterDeployments = new Map<string, Range>();
    const ofPullRequests = new Map<string, Range>();
    const widen = (map: Map<string, Range>, c: EventsWritten) => {
      const r = map.get(c.entityRef);
      map.set(c.entityRef, r ? [Math.min(r[0], c.from), Math.max(r[1], c.to)] : [c.from, c.to]);
    };
    for (const c of changes) {
      if (c.type === 'deployment') {
        widen(outcomes, c);
        widen(afterDeployments, c);
      } else if (c.type === 'incident') widen(outcomes, c);
      else widen(ofPullRequests, c);
    }
    for (const chunk of chunks([...outcomes], ENTITY_CHUNK)) await this.updateOutcomes(chunk);
    for (const chunk of chunks([...afterDeployments], ENTITY_CHUNK)) await this.updateShipmentsAfterDeployments(chunk);
    for (const chunk of chunks([...ofPullRequests], ENTITY_CHUNK)) await this.updateShipmentsOfPullRequests(chunk);
  }

  private async updateOutcomes(entries: Array<[string, Range]>): Promise<void> {
    const window = this.config.failureWindowMs;
    const refs = entries.map(([ref]) => ref);
    const ranges = new Map(entries.map(([ref, [lo, hi]]) => [ref, [Math.max(FAR_PAST, lo - window), Math.min(FAR_FUTURE, hi + window)] as Range]));
    const from = Math.min(...[...ranges.values()].map(r => r[0]));
    const to = Math.max(...[...ranges.values()].map(r => r[1]));
    const readTo = Math.min(FAR_FUTURE, to + window);
    const [deployments, incidents] = await Promise.all([
      this.db('deployments').whereIn('entity_ref', refs).whereBetween('finished_at', [from, readTo]),
      this.db('incidents').whereIn('entity_ref', refs).whereBetween('opened_at', [from, readTo]),
    ]);
    const computed = deploymentOutcomes(deployments.map(toDeployment), incidents.map(toIncident), this.config).filter(o => {
      const [lo, hi] = ranges.get(o.deployment.entityRef)!;
      return o.deployment.finishedAt >= lo && o.deployment.finishedAt <= hi;
    });
    await this.db.transaction(async trx => {
      await deleteEntityRanges(trx, 'insights_deploy_outcomes', 'finished_at', [...ranges].map(([entityRef, [lo, hi]]) => ({ entityRef, from: lo, to: hi })));
      const rows = computed.map(o => ({ source: o.deployment.source, id: o.deployment.id, entity_ref: o.deployment.entityRef, finished_at: o.deployment.finishedAt, failed: o.failed, reason: o.reason.slice(0, 500) }));
      await upsertRows(trx, 'insights_deploy_outcomes', OUTCOME_COLUMNS, ['source', 'id'], rows);
      const firsts = await trx('insights_deploy_outcomes').whereIn('entity_ref', refs).select('entity_ref').min({ first: 'finished_at' }).groupBy('entity_ref');
      await trx('insights_first_deployments').whereIn('entity_ref', refs).delete();
      const firstRows = (firsts as Array<{ entity_ref: string; first: unknown }>).map(r => ({ entity_ref: r.entity_ref, first_at: Number(r.first) }));
      for (const chunk of chunks(firstRows, INSERT_CHUNK)) await trx('insights_first_deployments').insert(chunk);
    });
  }

  /**
   * PRs a new or changed deployment may ship differently: unshipped and merged before its end, shipped after its
   * start, or naming it (`deployedIn`) — a named deployment arriving after an earlier one shipped the PR takes it over,
   * whenever it finished.
   */
  private async updateShipmentsAfterDeployments(entries: Array<[string, Range]>): Promise<void> {
    const refs = entries.map(([ref]) => ref);
    const ranges = new Map(entries);
    const lo = Math.min(...entries.map(([, r]) => r[0]));
    const hi = Math.max(...entries.map(([, r]) => r[1]));
    const rows = await this.db('pull_requests as p')
      .leftJoin('insights_pr_shipments as s', function join() {
        this.on('s.source', '=', 'p.source').andOn('s.id', '=', 'p.id');
      })
      // The deployment the PR names, when stored: the write's times cover the finish of every deployment it wrote.
      .leftJoin('deployments as n', function join() {
        this.on('n.source', '=', 'p.source').andOn('n.id', '=', 'p.deployed_in');
      })
      .whereIn('p.entity_ref', refs)
      .whereNotNull('p.merged_at')
      .where(q => q.whereNull('s.id').orWhere('s.shipped_at', '>=', lo).orWhereBetween('n.finished_at', [lo, hi]))
      .select(...SHIPMENT_COLUMNS.map(c => `p.${c}`), 's.shipped_at as shipment_at', 'n.finished_at as named_at');
    const within = (t: unknown, [a, b]: Range) => t !== null && t !== undefined && Number(t) >= a && Number(t) <= b;
    const affected = rows.filter(r => {
      const range = ranges.get(String(r.entity_ref))!;
      if (within(r.named_at, range)) return true;
      return r.shipment_at === null || r.shipment_at === undefined ? Number(r.merged_at) <= range[1] : Number(r.shipment_at) >= range[0];
    });
    await this.updateShipments(refs, affected.map(toPullRequest));
  }

  private async updateShipmentsOfPullRequests(entries: Array<[string, Range]>): Promise<void> {
    const refs = entries.map(([ref]) => ref);
    const ranges = new Map(entries);
    const lo = Math.min(...entries.map(([, r]) => r[0]));
    const hi = Math.max(...entries.map(([, r]) => r[1]));
    const rows = await this.db('pull_requests')
      .select(SHIPMENT_COLUMNS)
      .whereIn('entity_ref', refs)
      .where(q => q.whereBetween('merged_at', [lo, hi]).orWhereBetween('created_at', [lo, hi]));
    const affected = rows.map(toPullRequest).filter(p => {
      const [a, b] = ranges.get(p.entityRef)!;
      return (p.mergedAt !== null && p.mergedAt !== undefined && p.mergedAt >= a && p.mergedAt <= b) || (p.createdAt >= a && p.createdAt <= b);
    });
    await this.updateShipments(refs, affected);
  }

  /** Recomputes the shipments of these pull requests (all of the given entities) and replaces their rows. */
  private async updateShipments(refs: string[], pullRequests: PullRequestRow[]): Promise<void> {
    if (pullRequests.length === 0) return;
    const merged = pullRequests.filter(p => p.mergedAt !== null && p.mergedAt !== undefined);
    const earliest = merged.length ? Math.min(...merged.map(p => p.mergedAt!)) : FAR_FUTURE;
    const named = [...new Set(merged.filter(p => p.deployedIn).map(p => p.deployedIn!))];
    const deployments = (
      await Promise.all([
        this.db('deployments').whereIn('entity_ref', refs).where('status', 'succeeded').where('finished_at', '>=', earliest),
        ...chunks(named).map(ids => this.db('deployments').whereIn('entity_ref', refs).whereIn('id', ids).where('finished_at', '<', earliest)),
      ])
    ).flat();
    const shipped = shipments(merged, deployments.map(toDeployment), this.config);
    const rows = shipped
      .filter(s => s.deployment)
      .map(s => ({
        source: s.pullRequest.source,
        id: s.pullRequest.id,
        entity_ref: s.pullRequest.entityRef,
        shipped_at: s.deployment!.finishedAt,
        lead_ms: Math.round(s.leadTimeHours! * 3_600_000),
        deployment_id: s.deployment!.id,
        reason: s.reason.slice(0, 500),
      }));
    const shippedKeys = new Set(rows.map(r => `${r.source}\u0000${r.id}`));
    // Rows of pull requests no longer shipped (not merged now, or their deployment changed) are deleted by key.
    const unshipped = groupBy(
      pullRequests.filter(p => !shippedKeys.has(`${p.source}\u0000${p.id}`)),
      p => p.source,
    );
    await this.db.transaction(async trx => {
      for (const [source, list] of unshipped) {
        for (const ids of chunks(list.map(p => p.id))) await trx('insights_pr_shipments').where('source', source).whereIn('id', ids).delete();
      }
      await upsertRows(trx, 'insights_pr_shipments', SHIPMENT_ROW_COLUMNS, ['source', 'id'], rows);
    });
  }
}
