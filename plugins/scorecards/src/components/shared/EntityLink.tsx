import { Box, Link, Typography } from '@mui/material';
import { parseEntityRef } from '@portico/catalog-model';
import { entityRoute, humanizeEntityRef } from '@portico/plugin-catalog-react';
import { Link as RouterLink } from 'react-router';

function nameOf(entityRef: string, defaultKind?: string): string | undefined {
  try {
    return parseEntityRef(entityRef, { defaultKind }).name;
  } catch {
    return undefined;
  }
}

/**
 * A link to an entity's catalog page that reads as the entity's title (from `useEntityTitles`, else its name),
 * with its humanized ref under it as secondary text; plain text when the ref is malformed.
 */
export function EntityLink({ entityRef, defaultKind, title }: { entityRef: string; defaultKind?: string; title?: string }) {
  const to = entityRoute(entityRef, { defaultKind });
  const ref = humanizeEntityRef(entityRef, { defaultKind });
  if (!to) return <span>{ref}</span>;
  const label = title ?? nameOf(entityRef, defaultKind) ?? ref;
  return (
    <Box component="span" sx={{ display: 'inline-flex', flexDirection: 'column', minWidth: 0 }}>
      <Link component={RouterLink} to={to}>
        {label}
      </Link>
      {label !== ref ? (
        <Typography component="span" variant="caption" color="text.secondary">
          {ref}
        </Typography>
      ) : null}
    </Box>
  );
}
