import type { ScorecardSummary } from '@portico/plugin-scorecards-common';
import type { ScorecardResultRow } from '../../api/ScorecardsApi';

/** One thing a team should fix: a failing rule of one of its entities. */
export interface FixItem {
  entityRef: string;
  scorecardRef: string;
  scorecardTitle: string;
  ruleId: string;
  ruleTitle: string;
  /** The level the rule gates, when it gates one the entity has not reached. */
  unlocksLevel?: string;
  currentLevel: string | null;
  remediation?: string;
  weight: number;
}

/**
 * Orders a team's failing rules by what pays off first: rules gating the lowest level not yet
 * reached come first (they unlock a level), then heavier rules, then score-only rules.
 */
export function fixNext(scorecards: ScorecardSummary[], results: Map<string, ScorecardResultRow[]>): FixItem[] {
  const items: Array<FixItem & { rank: number }> = [];
  for (const scorecard of scorecards) {
    const levelRank = new Map(scorecard.spec.levels.map(l => [l.name, l.rank]));
    const rules = new Map(scorecard.spec.rules.map(r => [r.id, r]));
    for (const row of results.get(scorecard.ref) ?? []) {
      for (const ruleId of row.failingRules) {
        const rule = rules.get(ruleId);
        const rank = rule?.level !== undefined ? (levelRank.get(rule.level) ?? Infinity) : Infinity;
        items.push({
          entityRef: row.entityRef,
          scorecardRef: scorecard.ref,
          scorecardTitle: scorecard.title ?? scorecard.name,
          ruleId,
          ruleTitle: rule?.title ?? ruleId,
          ...(rule?.level && rank > row.levelRank ? { unlocksLevel: rule.level } : {}),
          currentLevel: row.level,
          ...(rule?.remediation ? { remediation: rule.remediation } : {}),
          weight: rule?.weight ?? 1,
          rank,
        });
      }
    }
  }
  items.sort((a, b) => a.rank - b.rank || b.weight - a.weight || a.entityRef.localeCompare(b.entityRef) || a.ruleId.localeCompare(b.ruleId));
  return items.map(({ rank: _rank, ...item }) => item);
}
