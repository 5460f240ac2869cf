import { Link } from '@mui/material';
import { entityRoute, humanizeEntityRef } from '@portico/plugin-catalog-react';
import { Link as RouterLink } from 'react-router';

/** A link to an entity's catalog page, labelled with its humanized ref (plain text when the ref is malformed). */
export function EntityLink({ entityRef, defaultKind }: { entityRef: string; defaultKind?: string }) {
  const to = entityRoute(entityRef, { defaultKind });
  const label = humanizeEntityRef(entityRef, { defaultKind });
  if (!to) return <span>{label}</span>;
  return (
    <Link component={RouterLink} to={to}>
      {label}
    </Link>
  );
}
