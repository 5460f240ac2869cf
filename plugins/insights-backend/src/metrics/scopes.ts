import type { AuthService } from '@portico/backend-plugin-api';
import type { Entity } from '@portico/catalog-model';
import { stringifyEntityRef } from '@portico/catalog-model';
import { InputError, NotFoundError } from '@portico/errors';
import { CATALOG_FILTER_EXISTS, type CatalogApi } from '@portico/plugin-catalog-common';
import type { InsightsScope } from '@portico/plugin-insights-common';
import { chunks } from './rows';

/** An entity a scope covers, with its title when it has one. */
export interface ScopeEntity {
  ref: string;
  title?: string;
}

/** A team as the comparison sees it: the group, its title, and the refs of the entities it owns (with sub-teams'). */
export interface Team {
  ref: string;
  title?: string;
  entityRefs: string[];
}

const FIELDS = ['kind', 'metadata.name', 'metadata.namespace', 'metadata.title', 'relations'];
const NOT_OWNED_KINDS = new Set(['group', 'user', 'location', 'template']);
const CACHE_MS = 5_000;

const relationTargets = (entity: Entity, type: string) => (entity.relations ?? []).filter(r => r.type === type).map(r => r.targetRef.toLowerCase());
const kindOf = (ref: string) => ref.slice(0, ref.indexOf(':')).toLowerCase();

/**
 * Resolves scopes through the catalog with the caller's token, so a user sees metrics only of the entities they may
 * read: a group's owned entities (ownedBy; with sub-teams those of its descendant groups through parentOf), a system's
 * parts (hasPart), a domain's systems and their parts. Answers are kept a few seconds per token and scope.
 */
export class ScopeResolver {
  private readonly cache = new Map<string, { expires: number; value: Promise<unknown> }>();

  constructor(
    private readonly catalog: CatalogApi,
    private readonly auth: AuthService,
  ) {}

  async resolve(scope: InsightsScope, token?: string): Promise<ScopeEntity[]> {
    return this.cached(`scope\u0000${principalKey(token)}\u0000${scope.type}\u0000${scope.ref.toLowerCase()}\u0000${scope.subTeams ? 1 : 0}`, () => this.resolveNow(scope, token));
  }

  /** Every team the caller may read (or those named), each with its readable owned entities. */
  async teams(options: { groups?: string[]; subTeams?: boolean; token?: string }): Promise<Team[]> {
    const key = `teams\u0000${principalKey(options.token)}\u0000${(options.groups ?? []).join(',')}\u0000${options.subTeams ? 1 : 0}`;
    return this.cached(key, async () => {
      const token = await this.token(options.token);
      const [groups, owned] = await Promise.all([
        this.catalog.getEntities({ filter: { kind: 'group' }, fields: FIELDS }, { token }),
        this.catalog.getEntities({ filter: { 'relations.ownedBy': CATALOG_FILTER_EXISTS }, fields: ['kind', 'metadata.name', 'metadata.namespace'] }, { token }),
      ]);
      const byRef = new Map(groups.items.map(g => [stringifyEntityRef(g), g]));
      const readable = new Set(owned.items.map(e => stringifyEntityRef(e)));
      const wanted = options.groups?.length ? options.groups.map(g => normalizeRef(g, 'group')) : [...byRef.keys()];
      const teams: Team[] = [];
      for (const ref of wanted) {
        const group = byRef.get(ref);
        if (!group) {
          if (options.groups?.length) throw new NotFoundError(`group ${ref} not found`);
          continue;
        }
        const members = options.subTeams ? descendants(ref, r => byRef.get(r)) : [group];
        const entityRefs = [...new Set(members.flatMap(m => relationTargets(m, 'ownerOf')))].filter(r => !NOT_OWNED_KINDS.has(kindOf(r)) && readable.has(r));
        teams.push({ ref, title: group.metadata.title, entityRefs });
      }
      return teams;
    });
  }

  private async resolveNow(scope: InsightsScope, callerToken?: string): Promise<ScopeEntity[]> {
    const token = await this.token(callerToken);
    const expectedKind = scope.type === 'entity' ? undefined : scope.type;
    const ref = normalizeRef(scope.ref, expectedKind ?? 'component');
    const root = await this.catalog.getEntityByRef(ref, { token });
    if (!root) throw new NotFoundError(`${scope.type === 'entity' ? 'entity' : scope.type} ${ref} not found`);
    if (expectedKind && root.kind.toLowerCase() !== expectedKind) throw new InputError(`${scope.type}=${scope.ref} names a ${root.kind}, not a ${expectedKind}`);
    if (scope.type === 'entity') return [{ ref, title: root.metadata.title }];

    let refs: string[];
    if (scope.type === 'group') {
      const groups = scope.subTeams ? await this.groupTree(root, token) : [root];
      refs = groups.flatMap(g => relationTargets(g, 'ownerOf')).filter(r => !NOT_OWNED_KINDS.has(kindOf(r)));
    } else if (scope.type === 'system') {
      refs = relationTargets(root, 'hasPart');
    } else {
      const systems = relationTargets(root, 'hasPart');
      const systemEntities = await this.byRefs(systems, token);
      refs = [...systems, ...systemEntities.flatMap(s => relationTargets(s, 'hasPart'))];
    }
    const entities = await this.byRefs([...new Set(refs)], token);
    return entities.map(e => ({ ref: stringifyEntityRef(e), title: e.metadata.title })).sort((a, b) => a.ref.localeCompare(b.ref));
  }

  /** The group and its descendants (parentOf), read level by level; a cycle is followed once. */
  private async groupTree(root: Entity, token?: string): Promise<Entity[]> {
    const seen = new Set([stringifyEntityRef(root)]);
    const out = [root];
    let level = [root];
    while (level.length) {
      const children = level.flatMap(g => relationTargets(g, 'parentOf')).filter(r => !seen.has(r));
      children.forEach(r => seen.add(r));
      level = children.length ? await this.byRefs(children, token) : [];
      out.push(...level);
    }
    return out;
  }

  private async byRefs(refs: string[], token?: string): Promise<Entity[]> {
    const out: Entity[] = [];
    for (const chunk of chunks(refs, 500)) {
      if (!chunk.length) continue;
      const { items } = await this.catalog.getEntitiesByRefs({ entityRefs: chunk, fields: FIELDS }, { token });
      out.push(...items.filter((e): e is Entity => Boolean(e)));
    }
    return out;
  }

  private async token(token?: string): Promise<string | undefined> {
    if (token) return token;
    const own = await this.auth.getPluginRequestToken({ onBehalfOf: await this.auth.getOwnServiceCredentials(), targetPluginId: 'catalog' });
    return own.token || undefined;
  }

  private cached<T>(key: string, compute: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && hit.expires > now) return hit.value as Promise<T>;
    if (this.cache.size > 1000) for (const [k, v] of this.cache) if (v.expires <= now) this.cache.delete(k);
    const value = compute();
    this.cache.set(key, { expires: now + CACHE_MS, value });
    value.catch(() => this.cache.delete(key));
    return value;
  }
}

/**
 * What the cache keys on for a token: a token minted for the caller (getPluginRequestToken) differs on every call only by
 * its times and id, so its other claims name the principal; two requests of one user then share a resolution. The
 * router has authenticated the caller before; the catalog checked the token the cached answer was read with.
 */
export function principalKey(token?: string): string {
  if (!token) return '';
  const parts = token.split('.');
  if (parts.length !== 3) return token;
  try {
    const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    const { iat: _iat, exp: _exp, nbf: _nbf, jti: _jti, ...rest } = claims;
    return `${parts[0]}.${JSON.stringify(Object.keys(rest).sort().map(k => [k, rest[k]]))}`;
  } catch {
    return token;
  }
}

function descendants(ref: string, get: (ref: string) => Entity | undefined): Entity[] {
  const seen = new Set<string>();
  const out: Entity[] = [];
  const queue = [ref];
  while (queue.length) {
    const next = queue.shift()!;
    if (seen.has(next)) continue;
    seen.add(next);
    const entity = get(next);
    if (!entity) continue;
    out.push(entity);
    queue.push(...relationTargets(entity, 'parentOf'));
  }
  return out;
}

/** A full ref in canonical lower-case form; a ref without a kind gets `defaultKind`. */
export function normalizeRef(ref: string, defaultKind: string): string {
  const trimmed = ref.trim();
  if (!trimmed) throw new InputError('an entity ref is empty');
  const colon = trimmed.indexOf(':');
  const kind = colon > 0 ? trimmed.slice(0, colon) : defaultKind;
  const rest = colon > 0 ? trimmed.slice(colon + 1) : trimmed;
  const slash = rest.indexOf('/');
  const namespace = slash > 0 ? rest.slice(0, slash) : 'default';
  const name = slash > 0 ? rest.slice(slash + 1) : rest;
  if (!name) throw new InputError(`${ref} is not an entity ref (kind:namespace/name)`);
  return `${kind}:${namespace}/${name}`.toLowerCase();
}
