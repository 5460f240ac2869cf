import { Alert, AlertTitle, Box, Link } from '@mui/material';
import { Link as RouterLink } from 'react-router';
import { stringifyEntityRef, type Entity } from '@portico/catalog-model';
import { useApi } from '@portico/frontend-plugin-api';
import { catalogApiRef } from '@portico/plugin-catalog-react';
import { useAsync } from '@portico/core-components';

interface ProcessingError {
  message: string;
  /** Why it failed (validation, conflict, read, ...). */
  type?: string;
}

/** Backstage-style processing errors carried on the entity itself (`status.items`). */
function statusErrors(entity: Entity): ProcessingError[] {
  const items = (entity.status as { items?: unknown } | undefined)?.items;
  if (!Array.isArray(items)) return [];
  return items.flatMap((item: { level?: unknown; type?: unknown; message?: unknown; error?: { message?: unknown } }) =>
    item?.level === 'error'
      ? [{ message: String(item.error?.message ?? item.message ?? 'Unknown error'), type: typeof item.type === 'string' ? item.type : undefined }]
      : [],
  );
}

/** Processing errors of this entity (invalid descriptor, conflicting source, unreadable location), shown above the tabs. */
export function EntityErrorsAlert({ entity }: { entity: Entity }) {
  const catalogApi = useApi(catalogApiRef);
  const ref = stringifyEntityRef(entity);
  const { value } = useAsync(async () => {
    const res = await catalogApi.getEntityErrors({ entityRef: ref });
    return res.items
      .filter(e => e.entityRef?.toLocaleLowerCase('en-US') === ref)
      .map(e => ({ message: e.line ? `${e.message} (${e.file ?? e.locationKey}:${e.line})` : e.message, type: e.reason }));
  }, [catalogApi, ref]);
  const errors: ProcessingError[] = [...statusErrors(entity), ...(value ?? [])];
  if (errors.length === 0) return null;
  return (
    <Alert severity="error" sx={{ mb: 2 }}>
      <AlertTitle>
        {errors.length === 1 ? 'This entity has a processing error' : `This entity has ${errors.length} processing errors`}
      </AlertTitle>
      <Box component="ul" sx={{ m: 0, pl: 2 }}>
        {errors.map((error, i) => (
          <li key={i}>
            {error.type ? <strong>{error.type}: </strong> : null}
            {error.message}
          </li>
        ))}
      </Box>
      The catalog keeps showing the last valid version until the source is fixed.{' '}
      <Link component={RouterLink} to={`/catalog-errors?entityRef=${encodeURIComponent(ref)}`}>
        See where in the source
      </Link>
    </Alert>
  );
}
