/**
 * A permission name pattern: `catalog.entity.read` (exact), `catalog.*` (anything under catalog),
 * `scorecards.*.read`, `*` (everything). `*` matches one or more name segments.
 */
export function compilePermissionPattern(pattern: string): (name: string) => boolean {
  if (pattern === '*') return () => true;
  if (!pattern.includes('*')) return name => name === pattern;
  const source = pattern
    .split('*')
    .map(part => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[a-zA-Z0-9_.-]+');
  const regex = new RegExp(`^${source}$`);
  return name => regex.test(name);
}

/** Whether `name` matches any of `patterns`. */
export function compilePermissionPatterns(patterns: string[]): (name: string) => boolean {
  const matchers = patterns.map(compilePermissionPattern);
  return name => matchers.some(match => match(name));
}
