import { DEFAULT_NAMESPACE, parseEntityRef, type Entity } from '@portico/catalog-model';

/** The route pattern of the entity page. */
export const ENTITY_ROUTE_PATH = '/catalog/:namespace/:kind/:name';

/** An entity's compound name; the namespace defaults to `default`. */
export interface EntityName {
  kind: string;
  namespace?: string;
  name: string;
}

/** How a short ref is completed: `team-a` with `defaultKind: 'group'` is `group:default/team-a`. */
export interface EntityRefDefaults {
  defaultKind?: string;
  defaultNamespace?: string;
}

type EntityTarget = string | Entity | EntityName;

function toName(target: EntityTarget, defaults: EntityRefDefaults): Required<EntityName> | undefined {
  if (typeof target === 'string') {
    try {
      return parseEntityRef(target, defaults);
    } catch {
      return undefined;
    }
  }
  if ('metadata' in target) {
    return { kind: target.kind, namespace: target.metadata.namespace ?? DEFAULT_NAMESPACE, name: target.metadata.name };
  }
  return { kind: target.kind, namespace: target.namespace || DEFAULT_NAMESPACE, name: target.name };
}

/**
 * The URL of an entity's page, `/catalog/:namespace/:kind/:name` (namespace and kind lower-cased), with
 * `subPath` appended; undefined for a ref string that cannot be read.
 * @example entityRoute({ kind: 'Component', name: 'checkout' })             // '/catalog/default/component/checkout'
 * @example entityRoute('team-a', { defaultKind: 'group', subPath: 'members' }) // '/catalog/default/group/team-a/members'
 */
export function entityRoute(target: Entity | EntityName, options?: EntityRefDefaults & { subPath?: string }): string;
export function entityRoute(target: EntityTarget, options?: EntityRefDefaults & { subPath?: string }): string | undefined;
export function entityRoute(target: EntityTarget, options: EntityRefDefaults & { subPath?: string } = {}): string | undefined {
  const parts = toName(target, options);
  if (!parts) return undefined;
  const segment = (s: string) => encodeURIComponent(s.toLocaleLowerCase('en-US'));
  const base = `/catalog/${segment(parts.namespace)}/${segment(parts.kind)}/${encodeURIComponent(parts.name)}`;
  const rest = options.subPath?.replace(/^\/+/, '');
  return rest ? `${base}/${rest}` : base;
}

/**
 * How a ref reads to a person: the name, prefixed by the kind unless it is `defaultKind` and by the
 * namespace unless it is the default. `component:default/checkout` → `component:checkout`; a ref that
 * cannot be read is returned as it is.
 */
export function humanizeEntityRef(target: EntityTarget, options: EntityRefDefaults = {}): string {
  const parts = toName(target, options);
  if (!parts) return String(target);
  const ns = parts.namespace.toLocaleLowerCase('en-US');
  const showNamespace = ns !== (options.defaultNamespace ?? DEFAULT_NAMESPACE).toLocaleLowerCase('en-US');
  const showKind = !options.defaultKind || parts.kind.toLocaleLowerCase('en-US') !== options.defaultKind.toLocaleLowerCase('en-US');
  const kind = showKind ? `${parts.kind.toLocaleLowerCase('en-US')}:` : '';
  return `${kind}${showNamespace ? `${parts.namespace}/` : ''}${parts.name}`;
}
