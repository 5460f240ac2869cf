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
  // Parsed documents are trees a few levels deep: walked directly, with no bookkeeping, in a third of the time. A value
  // deeper than that (or cyclic) is walked again by the general walk below, which visits each object once.
  const found = findInTree(value, 0);
  return found === TOO_DEEP ? findInGraph(value) : found;
}

const TOO_DEEP = Symbol('too deep');
const TREE_DEPTH = 64;

function findInTree(value: object, depth: number): Array<string | number> | undefined | typeof TOO_DEEP {
  if (depth > TREE_DEPTH) return TOO_DEEP;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item === null || typeof item !== 'object') continue;
      const found = findInTree(item, depth + 1);
      if (found === TOO_DEEP) return found;
      if (found) return [i, ...found];
    }
    return undefined;
  }
  const keys = Object.keys(value);
  for (const key of keys) if (FORBIDDEN_ENTITY_KEYS.has(key)) return [key];
  for (const key of keys) {
    const child: unknown = (value as Record<string, unknown>)[key];
    if (child === null || typeof child !== 'object') continue;
    const found = findInTree(child, depth + 1);
    if (found === TOO_DEEP) return found;
    if (found) return [key, ...found];
  }
  return undefined;
}

function findInGraph(value: object): Array<string | number> | undefined {
  // each node links to its parent: the path is only built for the key found
  type Node = { value: object; key: string | number; parent: Node | undefined };
  const pathOf = (node: Node | undefined, last: string) => {
    const path: Array<string | number> = [last];
    for (let n = node; n?.parent; n = n.parent) path.unshift(n.key);
    return path;
  };
  const seen = new Set<object>();
  const stack: Node[] = [{ value, key: '', parent: undefined }];
  while (stack.length) {
    const node = stack.pop()!;
    if (seen.has(node.value)) continue;
    seen.add(node.value);
    if (Array.isArray(node.value)) {
      for (let i = node.value.length - 1; i >= 0; i--) {
        const item: unknown = node.value[i];
        if (item !== null && typeof item === 'object') stack.push({ value: item, key: i, parent: node });
      }
      continue;
    }
    const keys = Object.keys(node.value);
    for (const key of keys) if (FORBIDDEN_ENTITY_KEYS.has(key)) return pathOf(node, key);
    for (let i = keys.length - 1; i >= 0; i--) {
      const child: unknown = (node.value as Record<string, unknown>)[keys[i]];
      if (child !== null && typeof child === 'object') stack.push({ value: child, key: keys[i], parent: node });
    }
  }
  return undefined;
}
