import { parseEntityRef, stringifyEntityRef, type Entity } from '@portico/catalog-model';
import type { UserCatalog } from './UserCatalog';

/** Refs named by a field (`spec.memberOf`, `spec.parent`), full and lower-case; malformed ones are skipped. */
function refsIn(value: unknown, defaultKind: string, defaultNamespace: string): string[] {
  const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  const refs: string[] = [];
  for (const item of list) {
    if (typeof item !== 'string' || !item) continue;
    try {
      refs.push(stringifyEntityRef(parseEntityRef(item, { defaultKind, defaultNamespace })));
    } catch {
      /* not a ref */
    }
  }
  return refs;
}

function relationTargets(entity: Entity, type: string): string[] {
  return (entity.relations ?? []).filter(r => r.type.toLowerCase() === type.toLowerCase()).map(r => r.targetRef.toLowerCase());
}

/** The groups an entity names directly: a User's `memberOf`, a Group's `parent`. */
function directGroups(entity: Entity): string[] {
  const namespace = entity.metadata.namespace ?? 'default';
  if (entity.kind.toLowerCase() === 'user') {
    return [...refsIn(entity.spec?.memberOf, 'group', namespace), ...relationTargets(entity, 'memberOf')];
  }
  return [...refsIn(entity.spec?.parent, 'group', namespace), ...relationTargets(entity, 'childOf')];
}

/**
 * A user's ownership refs: the user and every group they belong to, transitively through the groups'
 * `spec.parent`, read from the catalog and cached for `ttlMs` per user. The cache's owner is the catalog:
 * `forget` is called with every changed ref, on every instance (the catalog's change events), so a membership
 * ingested on one instance reaches the next session refresh on any other, not `ttlMs` later.
 */
export class OwnershipResolver {
  /** By lower-case user ref. */
  private readonly cache = new Map<string, { refs: string[]; until: number }>();

  constructor(
    private readonly catalog: UserCatalog,
    private readonly ttlMs = 60_000,
  ) {}

  async ownershipRefs(userEntityRef: string, options: { entity?: Entity; fresh?: boolean } = {}): Promise<string[]> {
    const now = Date.now();
    const key = userEntityRef.toLowerCase();
    const cached = this.cache.get(key);
    if (cached && cached.until > now && !options.fresh) return cached.refs;
    const user = options.entity ?? (await this.catalog.getEntitiesByRefs([userEntityRef]))[0];
    const refs = new Set([userEntityRef]);
    let frontier = user ? directGroups(user).filter(ref => !refs.has(ref)) : [];
    // Breadth first through parents; a cycle in the catalog ends because each group is visited once.
    while (frontier.length > 0) {
      frontier.forEach(ref => refs.add(ref));
      const groups = await this.catalog.getEntitiesByRefs(frontier);
      frontier = [...new Set(groups.flatMap(group => (group ? directGroups(group) : [])))].filter(ref => !refs.has(ref));
    }
    const result = [...refs];
    this.cache.set(key, { refs: result, until: now + this.ttlMs });
    if (this.cache.size > 10_000) this.prune(now);
    return result;
  }

  /**
   * Entities that changed in the catalog: a changed User loses its cached refs; a changed Group (its parent, its
   * members) may change anyone's, so every cached entry goes.
   */
  forget(changedRefs: Iterable<string>): void {
    for (const ref of changedRefs) {
      const lower = ref.toLowerCase();
      if (lower.startsWith('group:')) {
        this.cache.clear();
        return;
      }
      if (lower.startsWith('user:')) this.cache.delete(lower);
    }
  }

  private prune(now: number) {
    for (const [key, value] of this.cache) if (value.until <= now) this.cache.delete(key);
  }
}
