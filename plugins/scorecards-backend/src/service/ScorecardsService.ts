import { NotAllowedError, NotFoundError } from '@portico/errors';
import type {
  EntityScorecardsResponse,
  EvaluateResponse,
  Fact,
  Page,
  ScorecardNotification,
  ScorecardSummary,
  TrendPoint,
} from '@portico/plugin-scorecards-common';
import type { FactStore } from '../database/FactStore';
import type { NotificationStore } from '../database/NotificationStore';
import type { EntityScoreRow, ListScoresOptions, ResultStore } from '../database/ResultStore';
import type { EvaluationQueue } from './EvaluationQueue';
import type { EvaluationService } from './EvaluationService';
import type { ExemptionService } from './ExemptionService';
import type { InitiativeService } from './InitiativeService';
import type { ScorecardRegistry } from './ScorecardRegistry';

export interface ScorecardsServiceParts {
  registry: ScorecardRegistry;
  evaluation: EvaluationService;
  exemptions: ExemptionService;
  initiatives: InitiativeService;
  results: ResultStore;
  facts: FactStore;
  notifications: NotificationStore;
  queue: EvaluationQueue;
  now?: () => Date;
}

/** The reads and commands behind the REST API; each delegates to the part that owns it. */
export class ScorecardsService {
  readonly evaluation: EvaluationService;
  readonly exemptions: ExemptionService;
  readonly initiatives: InitiativeService;
  readonly queue: EvaluationQueue;
  private readonly now: () => Date;

  constructor(private readonly parts: ScorecardsServiceParts) {
    this.evaluation = parts.evaluation;
    this.exemptions = parts.exemptions;
    this.initiatives = parts.initiatives;
    this.queue = parts.queue;
    this.now = parts.now ?? (() => new Date());
  }

  async listScorecards(): Promise<ScorecardSummary[]> {
    const all = await this.parts.registry.list();
    return Promise.all(
      all.map(async r => {
        const entity = r.ok ? r.scorecard.entity : undefined;
        const [, rest] = r.ref.split(':');
        const [namespace, name] = rest.split('/');
        const [distribution, lastEvaluatedAt] = await Promise.all([
          this.parts.results.distribution(r.ref),
          this.parts.results.lastEvaluatedAt(r.ref),
        ]);
        return {
          ref: r.ref,
          name: entity?.metadata.name ?? name,
          namespace: entity?.metadata.namespace ?? namespace,
          ...(entity?.metadata.title ? { title: entity.metadata.title } : {}),
          ...(entity?.metadata.description ? { description: entity.metadata.description } : {}),
          spec: r.ok ? r.scorecard.spec : { owner: '', levels: [], rules: [] },
          errors: r.ok ? [] : r.errors,
          distribution,
          ...(lastEvaluatedAt ? { lastEvaluatedAt } : {}),
        };
      }),
    );
  }

  async getScorecard(ref: string): Promise<ScorecardSummary> {
    const found = (await this.listScorecards()).find(s => s.ref === ref);
    if (!found) throw new NotFoundError(`No scorecard ${ref}`);
    return found;
  }

  async listResults(scorecardRef: string, options: ListScoresOptions): Promise<Page<EntityScoreRow>> {
    await this.parts.registry.get(scorecardRef);
    const page = await this.parts.results.listScores(scorecardRef, options);
    return { items: page.items, totalItems: page.totalItems, pageInfo: page.nextCursor ? { nextCursor: page.nextCursor } : {} };
  }

  /** The scores of entities owned by any of `owners` on every valid scorecard (what a person's home page shows). */
  async listResultsOfOwners(owners: string[], options: { limit: number }): Promise<{ items: EntityScoreRow[]; totalItems: number }> {
    const scorecardRefs = (await this.parts.registry.valid()).map(s => s.ref);
    return this.parts.results.listScoresOfOwners({ owners, scorecardRefs, limit: options.limit });
  }

  async trends(scorecardRef: string, options: { since?: number; until?: number }): Promise<TrendPoint[]> {
    await this.parts.registry.get(scorecardRef);
    return this.parts.results.trends(scorecardRef, options);
  }

  async entityScorecards(entityRef: string): Promise<EntityScorecardsResponse> {
    const [results, scorecards] = await Promise.all([this.parts.results.getEntityResults(entityRef), this.parts.registry.valid()]);
    const byRef = new Map(scorecards.map(s => [s.ref, s]));
    return {
      entityRef,
      scorecards: results.flatMap(result => {
        const scorecard = byRef.get(result.scorecardRef);
        if (!scorecard) return [];
        const order = new Map(scorecard.spec.rules.map((r, i) => [r.id, i]));
        return [
          {
            ...result,
            rules: [...result.rules].sort((a, b) => (order.get(a.ruleId) ?? 0) - (order.get(b.ruleId) ?? 0)),
            ...(scorecard.entity.metadata.title ? { title: scorecard.entity.metadata.title } : {}),
            levels: scorecard.spec.levels,
            ruleDetails: scorecard.spec.rules,
          },
        ];
      }),
    };
  }

  entityFacts(entityRef: string): Promise<Fact[]> {
    return this.parts.facts.listFacts(entityRef);
  }

  factHistory(entityRef: string, name: string): Promise<Fact[]> {
    return this.parts.facts.factHistory(entityRef, name);
  }

  ruleHistory(scorecardRef: string, entityRef: string) {
    return this.parts.results.ruleHistory(scorecardRef, entityRef);
  }

  /** Evaluates now: a whole scorecard, one entity on every scorecard, or one entity on one scorecard. */
  async evaluateNow(input: { scorecardRef?: string; entityRef?: string }): Promise<EvaluateResponse> {
    const scorecard = input.scorecardRef ? await this.parts.registry.get(input.scorecardRef) : undefined;
    if (input.entityRef) return this.parts.evaluation.evaluateEntities([input.entityRef], scorecard);
    if (!scorecard) return { results: [], errors: [] };
    return { results: await this.parts.evaluation.evaluateScorecard(scorecard), errors: [] };
  }

  notificationsFor(recipients: string[], options: { unreadOnly?: boolean; limit?: number }): Promise<ScorecardNotification[]> {
    return this.parts.notifications.list(recipients, options);
  }

  /** Marks a notification read; only one of its recipients (the user or a member of the group) may. */
  async markNotificationRead(id: string, callerOwnership: readonly string[]): Promise<void> {
    const notification = await this.parts.notifications.get(id);
    if (!notification) throw new NotFoundError(`No notification ${id}`);
    if (!callerOwnership.includes(notification.recipient)) {
      throw new NotAllowedError(`Notification ${id} is for ${notification.recipient}, not for you`);
    }
    await this.parts.notifications.markRead(id, this.now().getTime());
  }
}
