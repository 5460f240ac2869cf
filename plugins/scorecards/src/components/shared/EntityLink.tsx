import { Link } from '@mui/material';
import { DEFAULT_NAMESPACE, parseEntityRef } from '@portico/catalog-model';
import { entityRoute } from '@portico/frontend-plugin-api';
import { Link as RouterLink } from 'react-router';

type RefParts = { kind: string; namespace: string; name: string };

function parse(ref: string, defaultKind?: string): RefParts | undefined {
  try {
    return parseEntityRef(ref, { defaultKind });
  } catch {
    return undefined;
  }
}

/**
 * How a ref reads to a person: the name, prefixed by the kind unless it is `defaultKind` and by the
 * namespace unless it is the default. `component:default/checkout` → `component:checkout`.
 */
export function humanizeRef(ref: string, defaultKind?: string): string {
  const parts = parse(ref, defaultKind);
  if (!parts) return ref;
  const kind = parts.kind.toLocaleLowerCase('en-US');
  const showKind = kind !== defaultKind?.toLocaleLowerCase('en-US');
  const namespace = parts.namespace === DEFAULT_NAMESPACE ? '' : `${parts.namespace}/`;
  return `${showKind ? `${kind}:` : ''}${namespace}${parts.name}`;
}

/** A link to an entity's catalog page, labelled with its humanized ref (plain text when the ref is malformed). */
export function EntityLink({ entityRef, defaultKind }: { entityRef: string; defaultKind?: string }) {
  const parts = parse(entityRef, defaultKind);
  const label = humanizeRef(entityRef, defaultKind);
  if (!parts) return <span>{label}</span>;
  return (
    <Link component={RouterLink} to={entityRoute(parts)}>
      {label}
    </Link>
  );
}
