import { Link as MuiLink } from '@mui/material';
import { DEFAULT_NAMESPACE, type Entity } from '@portico/catalog-model';
import { Link as RouterLink } from 'react-router';
import { entityRoute, humanizeEntityRef } from '@portico/plugin-catalog-react';

export interface EntityRefLinkProps {
  entityRef: string | Entity;
  /** Kind to assume for a ref without one (e.g. `group` for an owner) and to leave out of the label. */
  defaultKind?: string;
  defaultNamespace?: string;
  /** Text to show instead of the ref. */
  title?: string;
}

/** An entity reads as its title, else its name (with the namespace when it is not the default). */
function entityLabel(entity: Entity): string {
  if (entity.metadata.title) return entity.metadata.title;
  const namespace = entity.metadata.namespace ?? DEFAULT_NAMESPACE;
  return namespace === DEFAULT_NAMESPACE ? entity.metadata.name : `${namespace}/${entity.metadata.name}`;
}

/** A link to an entity's page, labelled the way a person reads the ref. */
export function EntityRefLink({ entityRef, defaultKind, defaultNamespace, title }: EntityRefLinkProps) {
  const to = entityRoute(entityRef, { defaultKind, defaultNamespace });
  const label = title ?? (typeof entityRef === 'string' ? humanizeEntityRef(entityRef, { defaultKind, defaultNamespace }) : entityLabel(entityRef));
  if (!to) return <span>{label}</span>;
  return (
    <MuiLink component={RouterLink} to={to}>
      {label}
    </MuiLink>
  );
}
