import { hash } from 'node:crypto';
import type { LoggerService } from '@portico/backend-plugin-api';
import { parseEntityRef, type Entity } from '@portico/catalog-model';
import type { Initiative, InitiativeActionConfig, InitiativeLink } from '@portico/plugin-scorecards-common';
import type { InitiativeActionRow, InitiativeActionStore } from '../database/InitiativeActionStore';
import type { InitiativeStore } from '../database/InitiativeStore';
import type { EntityScoreRow, ResultStore } from '../database/ResultStore';
import type { InitiativeAction, InitiativeActionContext, InitiativeFailingRule } from '../extensions';
import type { InitiativeService, InitiativeStanding } from './InitiativeService';
import type { ScorecardsCatalog } from './ScorecardsCatalog';

export interface InitiativeActionRunnerOptions {
  initiatives: InitiativeService;
  store: InitiativeStore;
  states: InitiativeActionStore;
  results: ResultStore;
  catalog: ScorecardsCatalog;
  actionTypes: ReadonlyMap<string, InitiativeAction<unknown>>;
  logger: LoggerService;
  /** The portal's origin for entity links (`backend.baseUrl`); relative links without it. */
  baseUrl?: string;
  /** Entities acted on at the same time. */
  concurrency?: number;
  /**
   * How long one `runAll` takes up new entities; the rest wait for the next run. It keeps a run well inside its
   * task's timeout, which is also how long a crashed instance's lease keeps the task from running elsewhere.
   */
  runBudgetMs?: number;
  now?: () => number;
}

/** What a run did, for logs and tests. */
export interface InitiativeActionRunSummary {
  opened: number;
  updated: number;
  passed: number;
  failed: number;
  /** Rows of entities that left the initiative's scope, closed. */
  closed: number;
}

/**
 * How long a retry of a call that may have happened waits after the call began, for an action that does not declare
 * its `retryAfterUncertainMs`: longer than a tracker's search usually takes to show a new ticket.
 */
export const DEFAULT_RETRY_AFTER_UNCERTAIN_MS = 30_000;

/** A valid `retryAfterUncertainMs`: a finite number of milliseconds, 0 or more (checked at registration and on each run). */
export const isRetryAfterUncertainMs = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;

const entityPath = (entityRef: string) => {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return `/catalog/${encodeURIComponent(namespace)}/${encodeURIComponent(kind.toLowerCase())}/${encodeURIComponent(name)}`;
};

/**
 * Calls the initiatives' actions for their entities: `onFailing` for an entity below the target that the
 * action has not handled for its current failing rules, `onPassing` once for one that reached it. Every call is
 * preceded by a `pending` row and followed by its outcome, so a run cut short resumes where it stopped and a call
 * that may have happened is retried with the same idempotency key (never blindly repeated), and not before the
 * action's `retryAfterUncertainMs` from the call's start, so that the action's lookup by that key sees what the
 * call created. Rows not due yet are skipped and taken up by a later run (a run never waits for them).
 */
export class InitiativeActionRunner {
  private readonly now: () => number;

  constructor(private readonly options: InitiativeActionRunnerOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The action type's `retryAfterUncertainMs`, or the default for a type that declares none (or not a valid one). */
  private retryAfterUncertainMs(actionType: string): number {
    const declared = this.options.actionTypes.get(actionType)?.retryAfterUncertainMs;
    return isRetryAfterUncertainMs(declared) ? declared : DEFAULT_RETRY_AFTER_UNCERTAIN_MS;
  }

  async runAll(signal?: AbortSignal): Promise<InitiativeActionRunSummary> {
    const total: InitiativeActionRunSummary = { opened: 0, updated: 0, passed: 0, failed: 0, closed: 0 };
    const until = this.now() + (this.options.runBudgetMs ?? Number.POSITIVE_INFINITY);
    for (const initiative of await this.options.store.list()) {
      if (!initiative.actions?.length || signal?.aborted || this.now() >= until) continue;
      try {
        const summary = await this.run(initiative.id, signal, until);
        for (const k of Object.keys(total) as Array<keyof InitiativeActionRunSummary>) total[k] += summary[k];
      } catch (error) {
        this.options.logger.warn(`Initiative ${initiative.id} (${initiative.title}): actions did not run: ${(error as Error).message}`);
      }
    }
    return total;
  }

  /** Acts on one initiative's entities; `until` (epoch ms): no new entity is taken up after it. */
  async run(initiativeId: string, signal?: AbortSignal, until = Number.POSITIVE_INFINITY): Promise<InitiativeActionRunSummary> {
    const summary: InitiativeActionRunSummary = { opened: 0, updated: 0, passed: 0, failed: 0, closed: 0 };
    const standing = await this.options.initiatives.standing(initiativeId);
    const actions = standing.initiative.actions ?? [];
    if (!actions.length) return summary;
    const rows = new Map<string, InitiativeActionRow>();
    for (const row of await this.options.states.list(initiativeId)) rows.set(`${row.entityRef}\u0000${row.actionIndex}`, row);
    summary.closed = await this.closeOutOfScope(standing, [...rows.values()], signal, until);

    const ruleRank = this.gatingRules(standing);
    const now = this.now();
    type Work = { score: EntityScoreRow; failing: boolean; rulesKey: string; todo: Array<{ index: number; row?: InitiativeActionRow }> };
    const work: Work[] = [];
    for (const score of standing.scores) {
      const failing = score.levelRank < standing.targetRank;
      const rulesKey = failing ? score.failingRules.filter(id => ruleRank.has(id)).sort().join(',') : '';
      const todo: Work['todo'] = [];
      actions.forEach((action, index) => {
        const row = rows.get(`${score.entityRef}\u0000${index}`);
        const passingDue = row?.state === 'open' && (!row.error || retryDue(row, now));
        if (failing ? needsFailingCall(row, rulesKey, now, this.retryAfterUncertainMs(action.type)) : passingDue) todo.push({ index, row });
      });
      if (todo.length) work.push({ score, failing, rulesKey, todo });
    }
    if (!work.length) return summary;

    const entities = new Map<string, Entity>();
    const refs = work.map(w => w.score.entityRef);
    for (let i = 0; i < refs.length; i += 500) {
      const batch = refs.slice(i, i + 500);
      (await this.options.catalog.getEntitiesByRefs(batch)).forEach((entity, j) => entity && entities.set(batch[j], entity));
    }

    let next = 0;
    const worker = async () => {
      while (next < work.length && !signal?.aborted && this.now() < until) {
        const item = work[next++];
        const entity = entities.get(item.score.entityRef);
        if (!entity) continue; // gone from the catalog since the evaluation: nothing to act on
        const failingRules = item.failing ? await this.failingRules(standing, item.score, ruleRank) : [];
        for (const { index, row } of item.todo) {
          const config = actions[index];
          const actionType = this.options.actionTypes.get(config.type);
          if (!actionType) {
            this.options.logger.warn(`Initiative ${initiativeId}: action type '${config.type}' is not installed; skipped`);
            continue;
          }
          const outcome = await this.act({ standing, config, actionType, index, row, entity, score: item.score, failing: item.failing, rulesKey: item.rulesKey, failingRules, signal });
          summary[outcome]++;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency ?? 4, work.length) }, worker));
    return summary;
  }

  /**
   * Closes the rows of entities no longer in the initiative's scope (their scores are gone: deleted from the
   * catalog, or the initiative's scope or the scorecard's filter no longer matches them) that were still being
   * acted on, after telling the action (`onOutOfScope`: a comment on the ticket). Rows that passed or are closed
   * stay as they are; a refused call is retried with back-off, like the others.
   */
  private async closeOutOfScope(standing: InitiativeStanding, rows: InitiativeActionRow[], signal: AbortSignal | undefined, until: number): Promise<number> {
    const inScope = new Set(standing.scores.map(s => s.entityRef));
    const now = this.now();
    // A row whose call may have happened (pending, error) waits like a retry of that call: `onOutOfScope` looks for
    // what it created by the same key, and would miss it (and close the row without telling anyone) before then.
    const gone = rows.filter(
      r =>
        !inScope.has(r.entityRef) &&
        (r.state === 'open' || ((r.state === 'pending' || r.state === 'error') && uncertainCallSettled(r, now, this.retryAfterUncertainMs(r.actionType)))) &&
        (!r.error || retryDue(r, now)),
    );
    if (!gone.length) return 0;
    const entities = new Map<string, Entity>();
    const refs = [...new Set(gone.map(r => r.entityRef))];
    for (let i = 0; i < refs.length; i += 500) {
      const batch = refs.slice(i, i + 500);
      (await this.options.catalog.getEntitiesByRefs(batch)).forEach((entity, j) => entity && entities.set(batch[j], entity));
    }
    const initiative: Initiative = (({ lastReminderAt: _l, ...plain }) => plain)(standing.initiative);
    const actions = initiative.actions ?? [];
    let closed = 0;
    let next = 0;
    const worker = async () => {
      while (next < gone.length && !signal?.aborted && this.now() < until) {
        const row = gone[next++];
        const config = actions[row.actionIndex];
        const actionType = config && config.type === row.actionType ? this.options.actionTypes.get(config.type) : undefined;
        const entity = entities.get(row.entityRef);
        try {
          const link = actionType?.onOutOfScope
            ? await actionType.onOutOfScope({
                initiative,
                scorecard: { ref: standing.scorecard.ref, ...(standing.scorecard.entity.metadata.title ? { title: standing.scorecard.entity.metadata.title } : {}) },
                entityRef: row.entityRef,
                entityUrl: `${this.options.baseUrl ?? ''}${entityPath(row.entityRef)}`,
                reason: entity ? 'out-of-scope' : 'deleted',
                ...(entity ? { entity } : {}),
                params: actionType.paramsSchema.parse(config.params ?? {}),
                idempotencyKey: idempotencyKeyOf(initiative.id, row.entityRef, row.actionIndex, row.rulesKey),
                ...(row.link ? { link: row.link } : {}),
                ...(signal ? { signal } : {}),
              })
            : undefined;
          const { error: _error, ...rest } = row;
          await this.options.states.save({ ...rest, state: 'closed', ...(link ?? row.link ? { link: link ?? row.link } : {}), attempts: 0, updatedAt: this.now() });
          closed++;
        } catch (error) {
          const message = (error as Error).message || String(error);
          this.options.logger.warn(`Initiative ${initiative.id}: ${row.actionType} for ${row.entityRef}, no longer in scope, failed: ${message}`);
          await this.options.states.save({ ...row, error: message, attempts: row.attempts + 1, updatedAt: this.now() });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency ?? 4, gone.length) }, worker));
    return closed;
  }

  /** Rule id → level rank of the rules that gate the target level or one below it. */
  private gatingRules(standing: InitiativeStanding): Map<string, number> {
    const rankOf = new Map(standing.scorecard.spec.levels.map(l => [l.name, l.rank]));
    const gating = new Map<string, number>();
    for (const rule of standing.scorecard.spec.rules) {
      const rank = rule.level ? rankOf.get(rule.level) : undefined;
      if (rank !== undefined && rank <= standing.targetRank) gating.set(rule.id, rank);
    }
    return gating;
  }

  private async failingRules(standing: InitiativeStanding, score: EntityScoreRow, gating: Map<string, number>): Promise<InitiativeFailingRule[]> {
    const results = new Map((await this.options.results.getRuleResults(standing.scorecard.ref, score.entityRef)).map(r => [r.ruleId, r]));
    return standing.scorecard.spec.rules
      .filter(rule => gating.has(rule.id) && score.failingRules.includes(rule.id))
      .sort((a, b) => (gating.get(a.id) ?? 0) - (gating.get(b.id) ?? 0))
      .map(rule => {
        const result = results.get(rule.id);
        return {
          id: rule.id,
          ...(rule.title ? { title: rule.title } : {}),
          ...(rule.remediation ? { remediation: rule.remediation } : {}),
          status: result?.status ?? 'unknown',
          message: result?.message ?? 'not evaluated yet',
        };
      });
  }

  private async act(input: {
    standing: InitiativeStanding;
    config: InitiativeActionConfig;
    actionType: InitiativeAction<unknown>;
    index: number;
    row?: InitiativeActionRow;
    entity: Entity;
    score: EntityScoreRow;
    failing: boolean;
    rulesKey: string;
    failingRules: InitiativeFailingRule[];
    signal?: AbortSignal;
  }): Promise<keyof InitiativeActionRunSummary> {
    const { standing, config, actionType, index, row, score, failing, rulesKey } = input;
    const initiative: Initiative = (({ lastReminderAt: _l, ...plain }) => plain)(standing.initiative);
    // Keep the link while the entity keeps failing (rules changed) or fails again with the same rules.
    const keptLink = row?.link && ((row.state !== 'passed' && row.state !== 'closed') || row.rulesKey === rulesKey) ? row.link : undefined;
    // A retry keeps the rule set of its first try in the key: that try may have created the ticket (a timeout).
    const retrying = row?.state === 'pending' || row?.state === 'error';
    const startedAt = this.now();
    const base: InitiativeActionRow = {
      initiativeId: initiative.id,
      entityRef: score.entityRef,
      actionIndex: index,
      actionType: config.type,
      state: 'pending',
      rulesKey: failing && !retrying ? rulesKey : (row?.rulesKey ?? ''),
      ...(keptLink || (!failing && row?.link) ? { link: keptLink ?? row?.link } : {}),
      attempts: (row?.state === 'pending' || row?.error ? row.attempts : 0) + 1,
      updatedAt: startedAt,
      // Kept by the outcome's write: a retry of this call, should its outcome not be recorded, waits from it.
      attemptStartedAt: startedAt,
    };
    const context: InitiativeActionContext<unknown> = {
      initiative,
      scorecard: { ref: standing.scorecard.ref, ...(standing.scorecard.entity.metadata.title ? { title: standing.scorecard.entity.metadata.title } : {}) },
      entity: input.entity,
      entityRef: score.entityRef,
      entityUrl: `${this.options.baseUrl ?? ''}${entityPath(score.entityRef)}`,
      level: score.level,
      failingRules: input.failingRules,
      params: actionType.paramsSchema.parse(config.params ?? {}),
      idempotencyKey: idempotencyKeyOf(initiative.id, score.entityRef, index, base.rulesKey),
      ...(base.link ? { link: base.link } : {}),
      ...(input.signal ? { signal: input.signal } : {}),
    };
    if (failing) await this.options.states.save(base);
    try {
      if (failing) {
        const link: InitiativeLink | undefined = await actionType.onFailing(context);
        await this.options.states.save({ ...base, state: 'open', rulesKey, ...(link ?? base.link ? { link: link ?? base.link } : {}), attempts: 0, updatedAt: this.now() });
        return base.link ? 'updated' : 'opened';
      }
      if (row?.link) await actionType.onPassing?.({ ...context, link: row.link });
      await this.options.states.save({ ...base, state: 'passed', attempts: 0, updatedAt: this.now() });
      return 'passed';
    } catch (error) {
      const message = (error as Error).message || String(error);
      this.options.logger.warn(`Initiative ${initiative.id}: ${config.type} for ${score.entityRef} failed: ${message}`);
      // A failed passing call leaves the row open, so it is retried; a failed failing call is an error row.
      await this.options.states.save({ ...base, state: failing ? 'error' : 'open', error: message, updatedAt: this.now() });
      return 'failed';
    }
  }
}

/** A failing entity needs a call unless its action already handled exactly these failing rules. */
function needsFailingCall(row: InitiativeActionRow | undefined, rulesKey: string, now: number, retryAfterUncertainMs: number): boolean {
  if (!row) return true;
  // Cut short (a stop, a crash): retried with the same idempotency key once what that call created is findable.
  if (row.state === 'pending') return uncertainCallSettled(row, now, retryAfterUncertainMs);
  if (row.state === 'error') return retryDue(row, now) && uncertainCallSettled(row, now, retryAfterUncertainMs);
  return row.state === 'passed' || row.state === 'closed' || row.rulesKey !== rulesKey;
}

/**
 * Whether the row's last call, whose outcome may not be recorded (it may have created a ticket just before a stop),
 * began long enough ago for the action's lookup by idempotency key to show what it created. A row written before the
 * start was stored waits from `updatedAt`, which its `pending` write set when that call began.
 */
function uncertainCallSettled(row: InitiativeActionRow, now: number, retryAfterUncertainMs: number): boolean {
  return now - (row.attemptStartedAt ?? row.updatedAt) >= retryAfterUncertainMs;
}

/** Stable for an initiative, entity, action and failing rule set: what the action stores with what it creates. */
function idempotencyKeyOf(initiativeId: string, entityRef: string, actionIndex: number, rulesKey: string): string {
  return `${initiativeId}:${hash('sha1', `${entityRef}\u0000${actionIndex}\u0000${rulesKey}`, 'hex').slice(0, 16)}`;
}

/** A refused call is retried after a minute, then twice as long each time, at most every six hours. */
function retryDue(row: InitiativeActionRow, now: number): boolean {
  return now - row.updatedAt >= Math.min(60_000 * 2 ** Math.max(0, row.attempts - 1), 6 * 3_600_000);
}
