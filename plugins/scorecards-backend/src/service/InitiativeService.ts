import { InputError, NotFoundError } from '@portico/errors';
import { parseEntityRef, stringifyEntityRef } from '@portico/catalog-model';
import { matchesEntityFilter, validateEntityFilter, type EntityFilter } from '@portico/plugin-catalog-common';
import type {
  Initiative,
  InitiativeActionConfig,
  InitiativeEntityActionState,
  InitiativeProgress,
  InitiativeProgressPoint,
} from '@portico/plugin-scorecards-common';
import { actionStateOf, type InitiativeActionStore } from '../database/InitiativeActionStore';
import type { InitiativeStore } from '../database/InitiativeStore';
import type { EntityScoreRow, ResultStore } from '../database/ResultStore';
import type { InitiativeAction } from '../extensions';
import type { CompiledScorecard } from './compileScorecard';
import type { Notifier } from './notifications/Notifier';
import type { ScorecardRegistry } from './ScorecardRegistry';
import type { ScorecardsCatalog } from './ScorecardsCatalog';

export interface InitiativeServiceOptions {
  store: InitiativeStore;
  results: ResultStore;
  registry: ScorecardRegistry;
  catalog: ScorecardsCatalog;
  notifier: Notifier;
  /** Time between reminders of one initiative. */
  reminderIntervalMs: number;
  /** Registered initiative action types, by type. */
  actionTypes?: ReadonlyMap<string, InitiativeAction<unknown>>;
  /** What the actions did per entity, shown with the failing entities. */
  actionStates?: InitiativeActionStore;
  now?: () => Date;
}

const MAX_HISTORY_POINTS = 500;

/** An initiative, its scorecard and where the entities in its scope stand. */
export interface InitiativeStanding {
  initiative: Initiative & { lastReminderAt?: string };
  scorecard: CompiledScorecard;
  /** Rank of the target level. */
  targetRank: number;
  scores: EntityScoreRow[];
}

/** Initiatives: a target level for a scorecard's entities by a deadline, with progress and reminders. */
export class InitiativeService {
  private readonly now: () => Date;

  constructor(private readonly options: InitiativeServiceOptions) {
    this.now = options.now ?? (() => new Date());
  }

  async create(
    input: {
      title: string;
      description?: string;
      scorecardRef: string;
      targetLevel: string;
      scope?: EntityFilter;
      deadline: string;
      actions?: InitiativeActionConfig[];
    },
    createdBy: string,
  ): Promise<Initiative> {
    let scorecardRef: string;
    try {
      scorecardRef = stringifyEntityRef(parseEntityRef(input.scorecardRef, { defaultKind: 'scorecard' }));
    } catch (error) {
      throw new InputError(`scorecardRef: ${(error as Error).message}`);
    }
    const scorecard = await this.options.registry.get(scorecardRef);
    if (!scorecard.spec.levels.some(l => l.name === input.targetLevel)) {
      throw new InputError(`targetLevel: scorecard ${scorecardRef} has no level ${input.targetLevel} (levels: ${scorecard.spec.levels.map(l => l.name).join(', ')})`);
    }
    const deadline = Date.parse(input.deadline);
    if (Number.isNaN(deadline)) throw new InputError('deadline: must be an ISO date or date-time');
    const scopeErrors = validateEntityFilter(input.scope).map(e => e.replace(/^filter/, 'scope'));
    if (scopeErrors.length) throw new InputError(scopeErrors.join('; '));
    const actions = this.checkActions(input.actions ?? []);
    return this.options.store.create({ ...input, scorecardRef, deadline, ...(actions.length ? { actions } : {}) }, createdBy, this.now().getTime());
  }

  /** Each action must be of a registered type with params its schema accepts. */
  private checkActions(actions: InitiativeActionConfig[]): InitiativeActionConfig[] {
    const types = this.options.actionTypes ?? new Map<string, InitiativeAction<unknown>>();
    return actions.map((action, i) => {
      const actionType = types.get(action.type);
      if (!actionType) {
        const known = [...types.keys()].sort();
        throw new InputError(
          `actions.${i}.type: unknown initiative action type '${action.type}' (${known.length ? `known: ${known.join(', ')}` : 'no initiative action types are installed'})`,
        );
      }
      const parsed = actionType.paramsSchema.safeParse(action.params ?? {});
      if (!parsed.success) {
        const issues = parsed.error.issues.map(issue => `${['params', ...issue.path.map(String)].join('.')} ${issue.message}`);
        throw new InputError(`actions.${i}: ${action.type}: ${issues.join('; ')}`);
      }
      return { type: action.type, ...(action.params ? { params: action.params } : {}) };
    });
  }

  /**
   * Initiatives, optionally of one scorecard; with `owners`, only those that concern them: the initiative's
   * scorecard measures an entity one of them owns, and that entity is in the initiative's scope.
   */
  async list(filter: { scorecardRef?: string; owners?: string[] } = {}): Promise<Initiative[]> {
    const initiatives = await this.options.store.list({ scorecardRef: filter.scorecardRef });
    if (!filter.owners) return initiatives;
    const scorecardRefs = [...new Set(initiatives.map(i => i.scorecardRef))];
    const owned = await this.options.results.listScoresOfOwners({ owners: filter.owners, scorecardRefs, limit: 1_000_000 });
    const ownedBy = new Map<string, Set<string>>();
    for (const score of owned.items) ownedBy.set(score.scorecardRef, (ownedBy.get(score.scorecardRef) ?? new Set()).add(score.entityRef));
    const concerning: Initiative[] = [];
    for (const initiative of initiatives) {
      const mine = ownedBy.get(initiative.scorecardRef);
      if (!mine) continue;
      if (initiative.scope) {
        const inScope = (await this.options.catalog.getEntities(initiative.scope))
          .filter(e => matchesEntityFilter(e, initiative.scope))
          .some(e => mine.has(stringifyEntityRef(e)));
        if (!inScope) continue;
      }
      concerning.push(initiative);
    }
    return concerning;
  }

  async delete(id: string): Promise<void> {
    if (!(await this.options.store.delete(id))) throw new NotFoundError(`No initiative ${id}`);
    await this.options.actionStates?.deleteInitiative(id);
  }

  /** An initiative with its scorecard, the rank of its target and the stored scores of the entities in its scope. */
  async standing(id: string): Promise<InitiativeStanding> {
    const initiative = await this.options.store.get(id);
    if (!initiative) throw new NotFoundError(`No initiative ${id}`);
    const scorecard = await this.options.registry.get(initiative.scorecardRef);
    const target = scorecard.spec.levels.find(l => l.name === initiative.targetLevel);
    const targetRank = target?.rank ?? Number.POSITIVE_INFINITY;

    const page = await this.options.results.listScores(scorecard.ref, { limit: 1_000_000 });
    let scores = page.items;
    if (initiative.scope) {
      const inScope = new Set(
        (await this.options.catalog.getEntities(initiative.scope))
          .filter(e => matchesEntityFilter(e, initiative.scope))
          .map(e => stringifyEntityRef(e)),
      );
      scores = scores.filter(s => inScope.has(s.entityRef));
    }
    return { initiative, scorecard, targetRank, scores };
  }

  /** Where an initiative stands: entities at or above the target now, and over time. */
  async progress(id: string): Promise<InitiativeProgress> {
    const { initiative, scorecard, targetRank, scores } = await this.standing(id);
    const { lastReminderAt: _last, ...plain } = initiative;
    const refs = new Set(scores.map(s => s.entityRef));
    const failing = scores.filter(s => s.levelRank < targetRank);
    const actionRows = initiative.actions?.length && this.options.actionStates ? await this.options.actionStates.listOf(initiative.id, failing.map(s => s.entityRef)) : [];
    const actionsOf = new Map<string, InitiativeEntityActionState[]>();
    for (const row of actionRows) actionsOf.set(row.entityRef, [...(actionsOf.get(row.entityRef) ?? []), actionStateOf(row)]);

    // Replay level changes of the entities in scope to count those at or above the target over time.
    const rank = new Map<string, number>();
    const points: InitiativeProgressPoint[] = [];
    for (const row of await this.options.results.levelHistory(scorecard.ref)) {
      if (!refs.has(row.entityRef)) continue;
      rank.set(row.entityRef, row.levelRank);
      const point = { time: new Date(row.time).toISOString(), total: rank.size, atOrAbove: [...rank.values()].filter(r => r >= targetRank).length };
      if (points.length && points[points.length - 1].time === point.time) points[points.length - 1] = point;
      else points.push(point);
    }
    return {
      initiative: plain,
      total: scores.length,
      atOrAbove: scores.length - failing.length,
      share: scores.length ? Math.round(((scores.length - failing.length) / scores.length) * 10000) / 10000 : 1,
      failing: failing.map(s => ({
        entityRef: s.entityRef,
        level: s.level,
        ...(s.owner ? { owner: s.owner } : {}),
        ...(actionsOf.has(s.entityRef) ? { actions: actionsOf.get(s.entityRef) } : {}),
      })),
      history: points.slice(-MAX_HISTORY_POINTS),
    };
  }

  /** Reminds owners of entities still below the target, once per reminder interval per initiative. */
  async sendReminders(): Promise<number> {
    const now = this.now().getTime();
    let sent = 0;
    for (const initiative of await this.options.store.list()) {
      const last = initiative.lastReminderAt ? Date.parse(initiative.lastReminderAt) : undefined;
      if (last !== undefined && now - last < this.options.reminderIntervalMs) continue;
      let progress: InitiativeProgress;
      try {
        progress = await this.progress(initiative.id);
      } catch {
        continue; // the scorecard is gone or invalid: nothing to remind about
      }
      const byOwner = new Map<string, string[]>();
      for (const f of progress.failing) {
        if (!f.owner) continue;
        byOwner.set(f.owner, [...(byOwner.get(f.owner) ?? []), f.entityRef]);
      }
      const deadline = initiative.deadline.slice(0, 10);
      await this.options.notifier.notify(
        [...byOwner].map(([owner, entities]) => ({
          recipient: owner,
          kind: 'initiative-reminder' as const,
          title: `${initiative.title}: ${entities.length} of your entities are below ${initiative.targetLevel}`,
          body: `Reach ${initiative.targetLevel} by ${deadline}: ${entities.join(', ')}`,
          link: `/scorecards/initiatives/${initiative.id}`,
        })),
      );
      sent += byOwner.size;
      await this.options.store.setLastReminder(initiative.id, now);
    }
    return sent;
  }
}
