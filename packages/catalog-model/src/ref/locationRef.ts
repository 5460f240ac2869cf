/** A location as `type` and `target`, e.g. `{ type: 'url', target: 'https://…/catalog-info.yaml' }`. */
export interface LocationRef {
  type: string;
  target: string;
}

/**
 * Parses `type:target` (the form of `backstage.io/managed-by-location`), e.g. `url:https://x/y.yaml`.
 * @throws TypeError naming the ref when the type or the target is missing.
 */
export function parseLocationRef(ref: string): LocationRef {
  if (typeof ref !== 'string') throw new TypeError(`Location reference must be a string, got ${typeof ref}`);
  const colon = ref.indexOf(':');
  const type = colon === -1 ? '' : ref.slice(0, colon).trim();
  const target = colon === -1 ? '' : ref.slice(colon + 1).trim();
  if (!type || !target) throw new TypeError(`Location reference "${ref}" was not on the form <type>:<target>`);
  if (type === 'http' || type === 'https') {
    throw new TypeError(`Location reference "${ref}" starts with a URL scheme; write it as url:${ref}`);
  }
  return { type, target };
}

/** `{ type, target }` → `type:target`. */
export function stringifyLocationRef(ref: LocationRef): string {
  if (!ref.type || !ref.target) throw new TypeError('Location reference needs a type and a target');
  return `${ref.type}:${ref.target}`;
}
