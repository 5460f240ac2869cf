import { hash } from 'node:crypto';
import type { EntityScore, EntityScorecardResult, RuleResult, TrendPoint } from '@portico/plugin-scorecards-common';
import { NO_LEVEL } from '@portico/plugin-scorecards-common';
import type { Knex } from 'knex';
import { bulkInsert, retryOnDeadlock } from './bulkInsert';
import { chunk, toBool, toIso, toMillis } from './dbValues';

/** An entity whose level went up or down in a save. */
export interface LevelChange {
  scorecardRef: string;
  entityRef: string;
  owner?: string;
  from: { level: string | null; rank: number };
  to: { level: string | null; rank: number };
}

export interface ListScoresOptions {
  level?: string;
  owner?: string;
  /** Only entities where this rule does not pass. */
  failingRule?: string;
  cursor?: string;
  limit: number;
}

export interface EntityScoreRow extends EntityScore {
  /** Ids of rules that neither pass nor are exempted. */
  failingRules: string[];
}

/** A point in an entity's level history. */
export interface LevelHistoryRow {
  entityRef: string;
  level: string | null;
  levelRank: number;
  score: number;
  time: number;
}

const ruleKey = (entityRef: string, ruleId: string) => `${entityRef}\u0000${ruleId}`;

/** What identifies an entity's rule results apart from their time: id, status, exemption, message, evidence. */
function rulesDigest(rules: readonly RuleResult[]): string {
  let text = '';
  for (const r of rules) text += `${r.ruleId}\u0001${r.status}\u0001${r.exempted ? 1 : 0}\u0001${r.message}\u0001${JSON.stringify(r.evidence)}\u0002`;
  return hash('sha1', text, 'base64');
}

function encodeCursor(entityRef: string): string {
  return Buffer.from(entityRef, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  return Buffer.from(cursor, 'base64url').toString('utf8');
}

function scoreFromRow(row: Record<string, unknown>): EntityScoreRow {
  return {
    scorecardRef: String(row.scorecard_ref),
    entityRef: String(row.entity_ref),
    level: (row.level as string | null) ?? null,
    levelRank: Number(row.level_rank),
    score: Number(row.score),
    passed: Number(row.passed),
    failed: Number(row.failed),
    unknown: Number(row.unknown),
    ...(row.owner ? { owner: String(row.owner) } : {}),
    evaluatedAt: toIso(row.evaluated_at),
    failingRules: JSON.parse(String(row.failing_rules)),
  };
}

function ruleFromRow(row: Record<string, unknown>): RuleResult {
  return {
    ruleId: String(row.rule_id),
    status: row.status as RuleResult['status'],
    evidence: JSON.parse(String(row.evidence)),
    message: String(row.message),
    exempted: toBool(row.exempted),
    evaluatedAt: toIso(row.evaluated_at),
  };
}

/** Stored results: the latest per rule and per entity for fast reads, and change history for trends. */
export class ResultStore {
  constructor(private readonly knex: Knex) {}

  /**
   * Saves evaluations of one scorecard. Latest rows are replaced; a rule's history grows only when
   * its status, exemption or message changes, and an entity's when its level or score changes. An
   * entity whose rule results are unchanged (same digest) only gets its evaluation time renewed.
   */
  async saveResults(scorecardRef: string, results: readonly EntityScorecardResult[]): Promise<LevelChange[]> {
    const changes: LevelChange[] = [];
    // In entity order, so two evaluations writing overlapping entities lock their rows in the same order.
    const sorted = [...results].sort((a, b) => (a.entityRef < b.entityRef ? -1 : a.entityRef > b.entityRef ? 1 : 0));
    await retryOnDeadlock(() => this.knex.transaction(async tx => {
      changes.length = 0;
      for (const part of chunk(sorted, 400)) {
        const refs = part.map(r => r.entityRef);
        const oldScores = await tx('entity_scores')
          .where({ scorecard_ref: scorecardRef })
          .whereIn('entity_ref', refs)
          .select('entity_ref', 'level', 'level_rank', 'score', 'owner', 'rules_digest');
        const scoreByRef = new Map(oldScores.map(r => [r.entity_ref as string, r]));

        const digests = new Map<string, string>();
        const changed: EntityScorecardResult[] = [];
        const unchanged: string[] = [];
        const at = part.length ? Date.parse(part[0].evaluatedAt) : Date.now();
        for (const result of part) {
          const digest = rulesDigest(result.rules);
          digests.set(result.entityRef, digest);
          const old = scoreByRef.get(result.entityRef);
          if (old && old.rules_digest === digest && (old.owner ?? undefined) === result.owner && Number(old.level_rank) === result.levelRank && Number(old.score) === result.score) {
            unchanged.push(result.entityRef);
          } else {
            changed.push(result);
          }
        }
        for (const ids of chunk(unchanged, 400)) {
          await tx('entity_scores').where({ scorecard_ref: scorecardRef }).whereIn('entity_ref', ids).update({ evaluated_at: at });
        }
        if (changed.length === 0) continue;

        const oldRules = await tx('rule_results')
          .where({ scorecard_ref: scorecardRef })
          .whereIn('entity_ref', changed.map(r => r.entityRef))
          .select('entity_ref', 'rule_id', 'status', 'evidence', 'message', 'exempted');
        const ruleByKey = new Map(oldRules.map(r => [ruleKey(r.entity_ref, r.rule_id), r]));
        const oldIdsByEntity = new Map<string, string[]>();
        for (const r of oldRules) oldIdsByEntity.set(r.entity_ref, [...(oldIdsByEntity.get(r.entity_ref) ?? []), r.rule_id]);

        const ruleUpserts: Record<string, unknown>[] = [];
        const ruleHistory: Record<string, unknown>[] = [];
        const scoreRows: Record<string, unknown>[] = [];
        const scoreHistory: Record<string, unknown>[] = [];
        const staleRules: Array<[string, string[]]> = [];
        for (const result of changed) {
          const resultAt = Date.parse(result.evaluatedAt);
          const currentIds = new Set<string>();
          for (const rule of result.rules) {
            currentIds.add(rule.ruleId);
            const evidence = JSON.stringify(rule.evidence);
            const old = ruleByKey.get(ruleKey(result.entityRef, rule.ruleId));
            const statusChanged = !old || old.status !== rule.status || toBool(old.exempted) !== rule.exempted || old.message !== rule.message;
            if (!statusChanged && old.evidence === evidence) continue;
            const row = {
              scorecard_ref: scorecardRef,
              entity_ref: result.entityRef,
              rule_id: rule.ruleId,
              status: rule.status,
              evidence,
              message: rule.message,
              exempted: rule.exempted,
              evaluated_at: resultAt,
            };
            ruleUpserts.push(row);
            if (statusChanged) ruleHistory.push(row);
          }
          const oldIds = (oldIdsByEntity.get(result.entityRef) ?? []).filter(id => !currentIds.has(id));
          if (oldIds.length) staleRules.push([result.entityRef, oldIds]);

          const failing = result.rules.filter(r => r.status !== 'pass' && !r.exempted).map(r => r.ruleId);
          scoreRows.push({
            scorecard_ref: scorecardRef,
            entity_ref: result.entityRef,
            level: result.level,
            level_rank: result.levelRank,
            score: result.score,
            passed: result.passed,
            failed: result.failed,
            unknown: result.unknown,
            owner: result.owner ?? null,
            failing_rules: JSON.stringify(failing),
            evaluated_at: resultAt,
            rules_digest: digests.get(result.entityRef),
          });
          const old = scoreByRef.get(result.entityRef);
          if (!old || Number(old.level_rank) !== result.levelRank || Number(old.score) !== result.score) {
            scoreHistory.push({
              scorecard_ref: scorecardRef,
              entity_ref: result.entityRef,
              level: result.level,
              level_rank: result.levelRank,
              score: result.score,
              evaluated_at: resultAt,
            });
          }
          if (old && Number(old.level_rank) !== result.levelRank) {
            changes.push({
              scorecardRef,
              entityRef: result.entityRef,
              owner: result.owner,
              from: { level: old.level ?? null, rank: Number(old.level_rank) },
              to: { level: result.level, rank: result.levelRank },
            });
          }
        }
        await bulkInsert(tx, 'rule_results', ruleUpserts, { conflict: ['scorecard_ref', 'entity_ref', 'rule_id'] });
        await bulkInsert(tx, 'rule_result_history', ruleHistory);
        await bulkInsert(tx, 'entity_scores', scoreRows, { conflict: ['scorecard_ref', 'entity_ref'] });
        await bulkInsert(tx, 'entity_score_history', scoreHistory);
        for (const [entityRef, ids] of staleRules) {
          await tx('rule_results').where({ scorecard_ref: scorecardRef, entity_ref: entityRef }).whereIn('rule_id', ids).delete();
        }
      }
    }));
    return changes;
  }

  /** A page of entity scores of one scorecard, ordered by entity ref. */
  async listScores(scorecardRef: string, options: ListScoresOptions): Promise<{ items: EntityScoreRow[]; totalItems: number; nextCursor?: string }> {
    const filtered = () => {
      const q = this.knex('entity_scores').where({ scorecard_ref: scorecardRef });
      if (options.level !== undefined) {
        if (options.level === NO_LEVEL) q.whereNull('level');
        else q.where({ level: options.level });
      }
      if (options.owner !== undefined) q.where({ owner: options.owner });
      if (options.failingRule !== undefined) q.where('failing_rules', 'like', `%${JSON.stringify(options.failingRule)}%`);
      return q;
    };
    const page = filtered().orderBy('entity_ref').limit(options.limit + 1);
    if (options.cursor) page.where('entity_ref', '>', decodeCursor(options.cursor));
    // Count first, then read the page: rows only appear while an evaluation commits, so the page then
    // holds at least what the count saw (in parallel, a count could see rows the page missed).
    const [{ n }] = await filtered().count({ n: '*' });
    const rows = await page.select();
    const items = rows.slice(0, options.limit).map(scoreFromRow);
    return {
      items,
      totalItems: Number(n),
      nextCursor: rows.length > options.limit ? encodeCursor(items[items.length - 1].entityRef) : undefined,
    };
  }

  /**
   * Entity scores whose owner is one of `owners`, across the given scorecards, ordered by scorecard then entity;
   * `totalItems` counts them all, `items` holds the first `limit`.
   */
  async listScoresOfOwners(options: { owners: string[]; scorecardRefs: string[]; limit: number }): Promise<{ items: EntityScoreRow[]; totalItems: number }> {
    if (options.owners.length === 0 || options.scorecardRefs.length === 0) return { items: [], totalItems: 0 };
    const filtered = () => this.knex('entity_scores').whereIn('owner', options.owners).whereIn('scorecard_ref', options.scorecardRefs);
    const [{ n }] = await filtered().count({ n: '*' });
    const rows = await filtered().orderBy([{ column: 'scorecard_ref' }, { column: 'entity_ref' }]).limit(options.limit).select();
    return { items: rows.map(scoreFromRow), totalItems: Number(n) };
  }

  /** Latest standing of one entity on every scorecard that measured it. */
  async getEntityResults(entityRef: string): Promise<EntityScorecardResult[]> {
    const [scores, rules] = await Promise.all([
      this.knex('entity_scores').where({ entity_ref: entityRef }).orderBy('scorecard_ref'),
      this.knex('rule_results').where({ entity_ref: entityRef }),
    ]);
    return scores.map(row => {
      const { failingRules: _failing, ...score } = scoreFromRow(row);
      return { ...score, rules: rules.filter(r => r.scorecard_ref === row.scorecard_ref).map(ruleFromRow) };
    });
  }

  /** One entity's latest rule results on one scorecard. */
  async getRuleResults(scorecardRef: string, entityRef: string): Promise<RuleResult[]> {
    const rows = await this.knex('rule_results').where({ scorecard_ref: scorecardRef, entity_ref: entityRef });
    return rows.map(ruleFromRow);
  }

  /** How one rule's status changed over time for an entity, newest first. */
  async ruleHistory(scorecardRef: string, entityRef: string, limit = 100): Promise<Array<RuleResult>> {
    const rows = await this.knex('rule_result_history')
      .where({ scorecard_ref: scorecardRef, entity_ref: entityRef })
      .orderBy([{ column: 'evaluated_at', order: 'desc' }, { column: 'id', order: 'desc' }])
      .limit(limit);
    return rows.map(ruleFromRow);
  }

  /** Entities per level name (`none` below every level). */
  async distribution(scorecardRef: string): Promise<Record<string, number>> {
    const rows = await this.knex('entity_scores')
      .where({ scorecard_ref: scorecardRef })
      .groupBy('level')
      .select('level', this.knex.raw('count(*) as n'));
    return Object.fromEntries(rows.map(r => [r.level ?? NO_LEVEL, Number(r.n)]));
  }

  async lastEvaluatedAt(scorecardRef: string): Promise<string | undefined> {
    const [row] = await this.knex('entity_scores').where({ scorecard_ref: scorecardRef }).max({ at: 'evaluated_at' });
    return row?.at === null || row?.at === undefined ? undefined : toIso(row.at);
  }

  /** Snapshots the level distribution for trends. */
  async recordTrendPoint(scorecardRef: string, takenAt: number): Promise<void> {
    const rows = await this.knex('entity_scores')
      .where({ scorecard_ref: scorecardRef })
      .groupBy('level', 'level_rank')
      .select('level', 'level_rank', this.knex.raw('count(*) as n'), this.knex.raw('sum(score) as s'));
    const points = rows.map(r => ({
      scorecard_ref: scorecardRef,
      taken_at: takenAt,
      level: r.level ?? NO_LEVEL,
      level_rank: Number(r.level_rank),
      entity_count: Number(r.n),
      score_sum: Number(r.s),
    }));
    if (points.length === 0) points.push({ scorecard_ref: scorecardRef, taken_at: takenAt, level: NO_LEVEL, level_rank: 0, entity_count: 0, score_sum: 0 });
    await bulkInsert(this.knex, 'trend_points', points, { conflict: ['scorecard_ref', 'taken_at', 'level'] });
  }

  async trends(scorecardRef: string, options: { since?: number; until?: number } = {}): Promise<TrendPoint[]> {
    const q = this.knex('trend_points').where({ scorecard_ref: scorecardRef }).orderBy('taken_at');
    if (options.since !== undefined) q.where('taken_at', '>=', options.since);
    if (options.until !== undefined) q.where('taken_at', '<=', options.until);
    const byTime = new Map<number, TrendPoint & { scoreSum: number }>();
    for (const row of await q) {
      const time = toMillis(row.taken_at);
      let point = byTime.get(time);
      if (!point) byTime.set(time, (point = { time: toIso(time), total: 0, averageScore: 0, levels: {}, scoreSum: 0 }));
      point.levels[row.level] = Number(row.entity_count);
      point.total += Number(row.entity_count);
      point.scoreSum += Number(row.score_sum);
    }
    return [...byTime.values()].map(({ scoreSum, ...p }) => ({ ...p, averageScore: p.total ? Math.round((scoreSum / p.total) * 10000) / 10000 : 0 }));
  }

  /** Level changes of a scorecard's entities over time, oldest first. */
  async levelHistory(scorecardRef: string, options: { since?: number } = {}): Promise<LevelHistoryRow[]> {
    const q = this.knex('entity_score_history').where({ scorecard_ref: scorecardRef }).orderBy([{ column: 'evaluated_at' }, { column: 'id' }]);
    if (options.since !== undefined) q.where('evaluated_at', '>=', options.since);
    return (await q).map(r => ({
      entityRef: r.entity_ref,
      level: r.level ?? null,
      levelRank: Number(r.level_rank),
      score: Number(r.score),
      time: toMillis(r.evaluated_at),
    }));
  }

  /** Entity refs that have results on a scorecard. */
  async entityRefs(scorecardRef: string): Promise<string[]> {
    const rows = await this.knex('entity_scores').where({ scorecard_ref: scorecardRef }).select('entity_ref');
    return rows.map(r => r.entity_ref);
  }

  /** Forgets an entity's results on the given scorecards (all when omitted). */
  async deleteEntityResults(entityRefs: readonly string[], scorecardRef?: string): Promise<void> {
    for (const part of chunk(entityRefs, 500)) {
      for (const table of ['entity_scores', 'rule_results']) {
        const q = this.knex(table).whereIn('entity_ref', part);
        if (scorecardRef) q.where({ scorecard_ref: scorecardRef });
        await q.delete();
      }
    }
  }

  async deleteScorecard(scorecardRef: string): Promise<void> {
    for (const table of ['entity_scores', 'rule_results', 'scorecard_runs']) {
      await this.knex(table).where({ scorecard_ref: scorecardRef }).delete();
    }
  }

  async getLastRun(scorecardRef: string): Promise<number | undefined> {
    const row = await this.knex('scorecard_runs').where({ scorecard_ref: scorecardRef }).first();
    return row ? toMillis(row.last_run_at) : undefined;
  }

  async setLastRun(scorecardRef: string, at: number): Promise<void> {
    await this.knex('scorecard_runs').insert({ scorecard_ref: scorecardRef, last_run_at: at }).onConflict('scorecard_ref').merge();
  }

  /** Rows in the history tables, for tests and diagnostics. */
  async countHistory(): Promise<{ rules: number; scores: number }> {
    const [[r], [s]] = await Promise.all([
      this.knex('rule_result_history').count({ n: '*' }),
      this.knex('entity_score_history').count({ n: '*' }),
    ]);
    return { rules: Number(r.n), scores: Number(s.n) };
  }
}
