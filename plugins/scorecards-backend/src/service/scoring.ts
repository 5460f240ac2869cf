import type { RuleStatus, ScorecardLevel, ScorecardRule } from '@portico/plugin-scorecards-common';

export interface ScoredRule {
  rule: Pick<ScorecardRule, 'id' | 'level' | 'weight'>;
  status: RuleStatus;
  exempted: boolean;
}

export interface ScoreOutcome {
  level: ScorecardLevel | null;
  score: number;
  passed: number;
  failed: number;
  unknown: number;
}

const counts = (r: ScoredRule) => r.exempted || r.status === 'pass';

/**
 * An entity's level is the highest level whose rules, and the rules of every lower level, pass;
 * an exempted rule counts as passing. Its score is the weighted share of passing rules.
 */
export function computeScore(levels: readonly ScorecardLevel[], results: readonly ScoredRule[]): ScoreOutcome {
  const ordered = [...levels].sort((a, b) => a.rank - b.rank);
  let level: ScorecardLevel | null = null;
  for (const candidate of ordered) {
    const gated = results.filter(r => r.rule.level === candidate.name);
    if (!gated.every(counts)) break;
    level = candidate;
  }
  let total = 0;
  let passingWeight = 0;
  let passed = 0;
  let failed = 0;
  let unknown = 0;
  for (const r of results) {
    const weight = r.rule.weight ?? 1;
    total += weight;
    if (counts(r)) {
      passingWeight += weight;
      passed++;
    } else if (r.status === 'fail') failed++;
    else unknown++;
  }
  const score = total === 0 ? 1 : Math.round((passingWeight / total) * 10000) / 10000;
  return { level, score, passed, failed, unknown };
}
