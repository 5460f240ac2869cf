import { NO_LEVEL, type ScorecardLevel } from '@portico/plugin-scorecards-common';

/** The colour of entities below every level. */
export const NO_LEVEL_COLOR = '#9e9e9e';
const FALLBACK_COLORS = ['#8d6e63', '#78909c', '#fbc02d', '#43a047', '#1e88e5', '#8e24aa'];

/** Levels lowest first. */
export function sortLevels(levels: ScorecardLevel[]): ScorecardLevel[] {
  return [...levels].sort((a, b) => a.rank - b.rank);
}

/** The colour a level is drawn in: its own, else one by rank. */
export function levelColor(levels: ScorecardLevel[], name: string | null): string {
  if (name === null || name === NO_LEVEL) return NO_LEVEL_COLOR;
  const sorted = sortLevels(levels);
  const index = sorted.findIndex(l => l.name === name);
  if (index < 0) return NO_LEVEL_COLOR;
  return sorted[index].color ?? FALLBACK_COLORS[index % FALLBACK_COLORS.length];
}

/** `none` and null read as "No level". */
export function levelLabel(name: string | null): string {
  return name === null || name === NO_LEVEL ? 'No level' : name;
}

/** Levels plus the "no level" bucket, lowest first, with the count of each in `distribution`. */
export function distributionRows(
  levels: ScorecardLevel[],
  distribution: Record<string, number>,
): Array<{ name: string; label: string; count: number; color: string }> {
  return [NO_LEVEL, ...sortLevels(levels).map(l => l.name)].map(name => ({
    name,
    label: levelLabel(name),
    count: distribution[name] ?? 0,
    color: levelColor(levels, name),
  }));
}

/** 0.8 → `80%`. */
export function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}
