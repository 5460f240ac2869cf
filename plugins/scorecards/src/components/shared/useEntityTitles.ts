import { parseEntityRef, stringifyEntityRef, type Entity } from '@portico/catalog-model';
import { useApiHolder } from '@portico/frontend-plugin-api';
import { catalogApiRef } from '@portico/plugin-catalog-react';
import { useAsync } from '@portico/core-components';

/** The titles of entities by ref; `get` answers undefined for a ref the catalog did not name (yet). */
export interface EntityTitles {
  get(entityRef: string, defaultKind?: string): string | undefined;
}

const FIELDS = ['kind', 'metadata.name', 'metadata.namespace', 'metadata.title', 'spec.profile.displayName'];

/** `kind:namespace/name`, lower-cased, or undefined for a ref that cannot be read. */
function refKey(entityRef: string, defaultKind?: string): string | undefined {
  try {
    return stringifyEntityRef(parseEntityRef(entityRef, { defaultKind })).toLocaleLowerCase('en-US');
  } catch {
    return undefined;
  }
}

/** How an entity reads to a person: its title, a group's or user's display name, else its name. */
export function entityTitle(entity: Entity): string {
  const profile = (entity.spec as { profile?: { displayName?: unknown } } | undefined)?.profile;
  if (entity.metadata.title) return entity.metadata.title;
  if (typeof profile?.displayName === 'string' && profile.displayName) return profile.displayName;
  return entity.metadata.name;
}

/**
 * The titles of the entities `refs` name, asked of the catalog in one request (`getEntitiesByRefs`, only the
 * fields a title needs). `defaultKind` completes short refs (`team-a` → `group:default/team-a`). Without a
 * catalog, or when it fails, no title is known and links read as the entity's name.
 */
export function useEntityTitles(refs: ReadonlyArray<{ ref: string; defaultKind?: string } | string | undefined>): EntityTitles {
  const catalogApi = useApiHolder().get(catalogApiRef);
  const keys = [
    ...new Set(
      refs.flatMap(item => {
        if (!item) return [];
        const key = typeof item === 'string' ? refKey(item) : refKey(item.ref, item.defaultKind);
        return key ? [key] : [];
      }),
    ),
  ].sort();
  const request = keys.join(' ');
  const titles = useAsync(async () => {
    const found = new Map<string, string>();
    if (!catalogApi || keys.length === 0) return found;
    const { items } = await catalogApi.getEntitiesByRefs({ entityRefs: keys, fields: FIELDS });
    items.forEach((entity, i) => {
      if (entity) found.set(keys[i], entityTitle(entity));
    });
    return found;
  }, [catalogApi, request]);
  const map = titles.value;
  return {
    get: (entityRef, defaultKind) => {
      const key = refKey(entityRef, defaultKind);
      return key ? map?.get(key) : undefined;
    },
  };
}
