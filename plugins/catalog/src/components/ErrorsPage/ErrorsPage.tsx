import { Alert, Box, Button, Stack, ToggleButton, ToggleButtonGroup, Typography } from '@mui/material';
import { useApi } from '@portico/frontend-plugin-api';
import { catalogApiRef } from '@portico/plugin-catalog-react';
import { Progress, useAsync } from '@portico/core-components';
import type { EntityError } from '@portico/plugin-catalog-common';
import { Link as RouterLink, useSearchParams } from 'react-router';
import { SourceErrorsTable } from '../shared/SourceErrorsTable';

type Grouping = 'location' | 'entity';

/** The errors grouped by their file (or location key) or by their entity, in first-seen order. */
export function groupErrors(errors: EntityError[], by: Grouping): Array<{ key: string; errors: EntityError[] }> {
  const groups = new Map<string, EntityError[]>();
  for (const error of errors) {
    const key = by === 'location' ? (error.file ?? error.locationKey) : (error.entityRef ?? 'Not an entity (the file or document)');
    const group = groups.get(key);
    if (group) group.push(error);
    else groups.set(key, [error]);
  }
  return [...groups].map(([key, list]) => ({ key, errors: list }));
}

/**
 * `/catalog-errors`: every problem the catalog met reading its sources, by location or by entity, each with
 * its file, line, field and source line. `?entityRef=` or `?locationKey=` narrows it to one entity or file.
 */
export function ErrorsPage() {
  const catalogApi = useApi(catalogApiRef);
  const [params, setParams] = useSearchParams();
  const entityRef = params.get('entityRef') ?? undefined;
  const locationKey = params.get('locationKey') ?? undefined;
  const grouping: Grouping = params.get('by') === 'entity' ? 'entity' : 'location';
  const { value, loading, error } = useAsync(
    () => catalogApi.getEntityErrors({ ...(entityRef ? { entityRef } : {}), ...(locationKey ? { locationKey } : {}) }),
    [catalogApi, entityRef, locationKey],
  );
  const setGrouping = (by: Grouping | null) => {
    if (!by) return;
    const next = new URLSearchParams(params);
    next.set('by', by);
    setParams(next);
  };
  const items = value?.items ?? [];
  return (
    <Box sx={{ p: 3 }}>
      <Typography variant="h4" component="h1" gutterBottom>
        Catalog errors
      </Typography>
      <Typography sx={{ mb: 2 }} color="text.secondary">
        Problems met reading the catalog's sources. An entity with a problem keeps its last valid version (or is not added) until
        its source is fixed; the catalog reads it again on its own.
      </Typography>
      <Stack direction="row" spacing={2} sx={{ mb: 2, alignItems: 'center' }}>
        <ToggleButtonGroup size="small" exclusive value={grouping} onChange={(_, by: Grouping | null) => setGrouping(by)} aria-label="Group by">
          <ToggleButton value="location">By location</ToggleButton>
          <ToggleButton value="entity">By entity</ToggleButton>
        </ToggleButtonGroup>
        {entityRef || locationKey ? (
          <>
            <Typography>
              Showing <strong>{entityRef ?? locationKey}</strong> only
            </Typography>
            <Button component={RouterLink} to="/catalog-errors">
              Show all
            </Button>
          </>
        ) : null}
      </Stack>
      {loading ? <Progress label="Loading the catalog's errors" /> : null}
      {error ? <Alert severity="error">Could not load the errors: {error.message}</Alert> : null}
      {!loading && !error && items.length === 0 ? <Alert severity="success">No errors: every source reads cleanly.</Alert> : null}
      <Stack spacing={3}>
        {groupErrors(items, grouping).map(group => (
          <Box component="section" key={group.key} aria-label={group.key}>
            <Typography variant="h6" component="h2" sx={{ fontFamily: 'monospace', wordBreak: 'break-all' }}>
              {group.key} ({group.errors.length === 1 ? '1 error' : `${group.errors.length} errors`})
            </Typography>
            <SourceErrorsTable errors={group.errors} label={`Errors of ${group.key}`} showEntity={grouping === 'location'} />
          </Box>
        ))}
      </Stack>
    </Box>
  );
}

export default ErrorsPage;
