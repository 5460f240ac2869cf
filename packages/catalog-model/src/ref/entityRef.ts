import type { CompoundEntityRef, Entity } from '../entity/Entity';
import { DEFAULT_NAMESPACE } from '../entity/constants';

export interface ParseEntityRefOptions {
  /** Kind to assume when the ref has none, e.g. `group` for an owner. */
  defaultKind?: string;
  /** Namespace to assume when the ref has none; `default` if not given. */
  defaultNamespace?: string;
}

type RefLike = string | { kind?: string; namespace?: string; name: string };

function splitRef(ref: string): { kind?: string; namespace?: string; name: string } {
  let colon = ref.indexOf(':');
  const slash = ref.indexOf('/');
  // A colon after the namespace separator belongs to the name, not to a kind.
  if (slash !== -1 && slash < colon) colon = -1;
  const kind = colon === -1 ? undefined : ref.slice(0, colon);
  const namespace = slash === -1 ? undefined : ref.slice(colon + 1, slash);
  const name = ref.slice(Math.max(colon + 1, slash + 1));
  if (kind === '' || namespace === '' || !name) {
    throw new TypeError(`Entity reference "${ref}" was not on the form [<kind>:][<namespace>/]<name>`);
  }
  return { kind, namespace, name };
}

/**
 * Parses `[kind:][namespace/]name` (or an object with those parts), filling in defaults.
 * Case is kept as written; compare refs through `stringifyEntityRef`, which lower-cases.
 * @throws TypeError naming the ref when it is malformed or has no kind and no default kind.
 */
export function parseEntityRef(ref: RefLike, options: ParseEntityRefOptions = {}): CompoundEntityRef {
  if (ref === undefined || ref === null) throw new TypeError('Entity reference must not be empty');
  let parts: { kind?: string; namespace?: string; name: string };
  if (typeof ref === 'string') {
    if (ref.trim() === '') throw new TypeError('Entity reference must not be empty');
    parts = splitRef(ref);
  } else if (typeof ref === 'object' && typeof ref.name === 'string' && ref.name !== '') {
    parts = ref;
  } else {
    throw new TypeError(`Entity reference must be a string or an object with a name, got ${JSON.stringify(ref)}`);
  }
  const kind = parts.kind ?? options.defaultKind;
  if (!kind) {
    const shown = typeof ref === 'string' ? ref : JSON.stringify(ref);
    throw new TypeError(`Entity reference "${shown}" had missing or empty kind (e.g. did not start with "component:" or similar)`);
  }
  const namespace = parts.namespace ?? options.defaultNamespace ?? DEFAULT_NAMESPACE;
  return { kind, namespace, name: parts.name };
}

function lower(value: string): string {
  return value.toLowerCase();
}

/** The canonical, lower-case `kind:namespace/name` of an entity or ref parts (namespace defaults to `default`). */
export function stringifyEntityRef(ref: Entity | { kind: string; namespace?: string; name: string }): string {
  let kind: string;
  let namespace: string | undefined;
  let name: string;
  if ('metadata' in ref) {
    kind = ref.kind;
    namespace = ref.metadata.namespace;
    name = ref.metadata.name;
  } else {
    ({ kind, namespace, name } = ref);
  }
  return `${lower(kind)}:${lower(namespace || DEFAULT_NAMESPACE)}/${lower(name)}`;
}

/** The kind, namespace (defaulted) and name of an entity, as written. */
export function getCompoundEntityRef(entity: Entity): CompoundEntityRef {
  return { kind: entity.kind, namespace: entity.metadata.namespace || DEFAULT_NAMESPACE, name: entity.metadata.name };
}
