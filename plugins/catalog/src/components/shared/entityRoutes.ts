import { DEFAULT_NAMESPACE, parseEntityRef, type Entity } from '@portico/catalog-model';

type RefParts = { kind: string; namespace: string; name: string };

function toParts(ref: string | Entity | RefParts, defaultKind?: string, defaultNamespace?: string): RefParts | undefined {
  try {
    if (typeof ref === 'string') return parseEntityRef(ref, { defaultKind, defaultNamespace });
    if ('metadata' in ref) {
      return { kind: ref.kind, namespace: ref.metadata.namespace ?? DEFAULT_NAMESPACE, name: ref.metadata.name };
    }
    return ref;
  } catch {
    return undefined;
  }
}

/** The entity page path of a ref or entity (`/catalog/default/component/payments`), or undefined if malformed. */
export function entityRoute(
  ref: string | Entity | RefParts,
  options: { defaultKind?: string; defaultNamespace?: string } = {},
): string | undefined {
  const parts = toParts(ref, options.defaultKind, options.defaultNamespace);
  if (!parts) return undefined;
  const seg = (s: string) => encodeURIComponent(s.toLocaleLowerCase('en-US'));
  return `/catalog/${seg(parts.namespace)}/${seg(parts.kind)}/${encodeURIComponent(parts.name)}`;
}

/**
 * How a ref reads to a person: just the name when the kind is implied and the namespace is the default,
 * otherwise `kind:namespace/name` without the parts that are implied.
 */
export function humanizeEntityRef(
  ref: string | Entity | RefParts,
  options: { defaultKind?: string; defaultNamespace?: string } = {},
): string {
  const parts = toParts(ref, options.defaultKind, options.defaultNamespace);
  if (!parts) return String(ref);
  const ns = parts.namespace.toLocaleLowerCase('en-US');
  const showNamespace = ns !== (options.defaultNamespace ?? DEFAULT_NAMESPACE).toLocaleLowerCase('en-US');
  const showKind =
    !options.defaultKind || parts.kind.toLocaleLowerCase('en-US') !== options.defaultKind.toLocaleLowerCase('en-US');
  const kind = showKind ? `${parts.kind.toLocaleLowerCase('en-US')}:` : '';
  return `${kind}${showNamespace ? `${parts.namespace}/` : ''}${parts.name}`;
}
