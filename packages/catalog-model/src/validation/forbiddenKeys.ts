/**
 * Keys that would reach an object's prototype when a path is walked or an object is assigned
 * (`__proto__`, `constructor`, `prototype`); an entity may not use them anywhere.
 */
export const FORBIDDEN_ENTITY_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The segments of the first own key of `value` (at any depth, arrays included) that is one of
 * `FORBIDDEN_ENTITY_KEYS`, or undefined. Each object is visited once, so shared or cyclic values end.
 */
export function findForbiddenKey(value: unknown): Array<string | number> | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const seen = new Set<object>();
  const stack: Array<{ value: object; path: Array<string | number> }> = [{ value, path: [] }];
  while (stack.length) {
    const { value: node, path } = stack.pop()!;
    if (seen.has(node)) continue;
    seen.add(node);
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) {
        const item: unknown = node[i];
        if (item !== null && typeof item === 'object') stack.push({ value: item, path: [...path, i] });
      }
      continue;
    }
    const keys = Object.keys(node);
    for (const key of keys) if (FORBIDDEN_ENTITY_KEYS.has(key)) return [...path, key];
    for (let i = keys.length - 1; i >= 0; i--) {
      const child: unknown = (node as Record<string, unknown>)[keys[i]];
      if (child !== null && typeof child === 'object') stack.push({ value: child, path: [...path, keys[i]] });
    }
  }
  return undefined;
}
