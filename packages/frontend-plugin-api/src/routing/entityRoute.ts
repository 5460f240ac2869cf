import type { Entity } from '@portico/catalog-model';

/** The route pattern of the entity page. */
export const ENTITY_ROUTE_PATH = '/catalog/:namespace/:kind/:name';

/** A compound entity reference, as in a URL. */
export interface EntityName {
  kind: string;
  namespace?: string;
  name: string;
}

function toName(target: Entity | EntityName | string): EntityName {
  if (typeof target === 'string') {
    // kind:namespace/name, namespace optional
    const match = /^([^:/]+):(?:([^:/]+)\/)?([^:/]+)$/.exec(target);
    if (!match) throw new TypeError(`'${target}' is not an entity ref of the form kind:namespace/name`);
    return { kind: match[1], namespace: match[2], name: match[3] };
  }
  if ('metadata' in target) {
    return { kind: target.kind, namespace: target.metadata.namespace, name: target.metadata.name };
  }
  return target;
}

/**
 * The URL of an entity's page: `/catalog/:namespace/:kind/:name` (kind lower-cased, namespace
 * defaulting to `default`).
 * @example entityRoute({ kind: 'Component', name: 'checkout' }) // '/catalog/default/component/checkout'
 * @example entityRoute('group:default/team-a', 'members')       // '/catalog/default/group/team-a/members'
 */
export function entityRoute(target: Entity | EntityName | string, subPath?: string): string {
  const { kind, namespace, name } = toName(target);
  const base = `/catalog/${encodeURIComponent(namespace || 'default')}/${encodeURIComponent(
    kind.toLocaleLowerCase('en-US'),
  )}/${encodeURIComponent(name)}`;
  const rest = subPath?.replace(/^\/+/, '');
  return rest ? `${base}/${rest}` : base;
}
