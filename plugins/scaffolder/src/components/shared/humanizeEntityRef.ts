import { DEFAULT_NAMESPACE } from '@portico/catalog-model';

/**
 * An entity ref the way a person reads it: the kind left out when it is `defaultKind`, the namespace when
 * it is the default one. `group:default/platform` with defaultKind `group` reads `platform`.
 */
export function humanizeEntityRef(ref: string, options: { defaultKind?: string; defaultNamespace?: string } = {}): string {
  const match = /^(?:([^:/]+):)?(?:([^:/]+)\/)?([^:/]+)$/.exec(ref.trim());
  if (!match) return ref;
  const kind = (match[1] ?? options.defaultKind ?? '').toLocaleLowerCase('en-US');
  const namespace = match[2] ?? options.defaultNamespace ?? DEFAULT_NAMESPACE;
  const showKind = kind && kind !== options.defaultKind?.toLocaleLowerCase('en-US');
  const showNamespace = namespace.toLocaleLowerCase('en-US') !== (options.defaultNamespace ?? DEFAULT_NAMESPACE).toLocaleLowerCase('en-US');
  return `${showKind ? `${kind}:` : ''}${showNamespace ? `${namespace}/` : ''}${match[3]}`;
}
