/** Jira's default priorities, highest first; other names follow in alphabetical order. */
const PRIORITY_ORDER = ['Highest', 'Blocker', 'Critical', 'High', 'Major', 'Medium', 'Low', 'Minor', 'Lowest', 'Trivial', 'None'];

/** Count entries, biggest first (ties by name). */
export function byCount(counts: Record<string, number>): Array<[string, number]> {
  return Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** Count entries in priority order (Highest … Lowest, then the project's own names, `None` last). */
export function byPriority(counts: Record<string, number>): Array<[string, number]> {
  const rank = (name: string) => {
    const i = PRIORITY_ORDER.findIndex(p => p.toLowerCase() === name.toLowerCase());
    return i === -1 ? PRIORITY_ORDER.length - 1.5 : i;
  };
  return Object.entries(counts).sort((a, b) => rank(a[0]) - rank(b[0]) || a[0].localeCompare(b[0]));
}

/** `1 issue`, `3 issues`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
