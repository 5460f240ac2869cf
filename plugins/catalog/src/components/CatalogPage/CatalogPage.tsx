import { Box, InputAdornment, TextField, Typography } from '@mui/material';
import { createSvgIcon } from '@mui/material/utils';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link as RouterLink, useSearchParams } from 'react-router';
import {
  emptyFilterState,
  parseFilterState,
  toSearchParams,
  type CatalogFacetKey,
  type CatalogFilterState,
  type CatalogSort,
  type OwnedView,
} from '../../filters/catalogFilterState';
import { useDebouncedValue } from '../../hooks/useDebouncedValue';
import { useOwnedView } from '../../hooks/useOwnedView';
import { EmptyState, ErrorPanel, PermissionButton, Progress } from '@portico/core-components';
import { catalogLocationCreatePermission, catalogLocationReadPermission } from '@portico/plugin-catalog-common';
import { CatalogFilters } from './CatalogFilters';
import { CatalogTable } from './CatalogTable';
import { useEntityRows } from './useEntityRows';
import { useFacets } from './useFacets';

const SearchIcon = createSvgIcon(
  <path d="M15.5 14h-.79l-.28-.27C15.41 12.59 16 11.11 16 9.5 16 5.91 13.09 3 9.5 3S3 5.91 3 9.5 5.91 16 9.5 16c1.61 0 3.09-.59 4.23-1.57l.27.28v.79l5 4.99L20.49 19zm-6 0C7.01 14 5 11.99 5 9.5S7.01 5 9.5 5 14 7.01 14 9.5 11.99 14 9.5 14" />,
  'Search',
);

export interface CatalogPageProps {
  /** Rows per server page. */
  pageSize?: number;
  /** Height of the table's scroll area. */
  tableHeight?: number | string;
}

/**
 * `/catalog`: every entity, filtered, searched and sorted on the server; the view lives in the URL. A signed-in
 * user first sees what they and their groups own ("Owned by me"); "All" shows the whole catalog.
 */
export function CatalogPage({ pageSize = 100, tableHeight }: CatalogPageProps) {
  const [searchParams, setSearchParams] = useSearchParams();
  const state = useMemo(() => parseFilterState(searchParams), [searchParams]);
  const owned = useOwnedView(state.owned);
  const ownershipRefs = owned.loading ? undefined : owned.ownershipRefs;
  const update = useCallback(
    (next: CatalogFilterState, replace = false) => setSearchParams(toSearchParams(next), { replace }),
    [setSearchParams],
  );
  // Stable callbacks keep the (memoised) filters from re-rendering while rows load or scroll.
  const onFilterChange = useCallback(
    (key: CatalogFacetKey, values: string[]) => update({ ...state, [key]: values }),
    [state, update],
  );
  const onClear = useCallback(
    () => update({ ...emptyFilterState(), owned: state.owned, text: state.text, sort: state.sort }),
    [state, update],
  );
  const onSort = useCallback((sort: CatalogSort) => update({ ...state, sort }), [state, update]);
  const onOwnedChange = useCallback((next: OwnedView) => update({ ...state, owned: next }), [state, update]);

  const [text, setText] = useState(state.text);
  const debouncedText = useDebouncedValue(text.trim(), 300);
  useEffect(() => {
    if (debouncedText !== state.text) update({ ...state, text: debouncedText }, true);
  }, [debouncedText]);
  // A link or the back button may change the search text under us.
  useEffect(() => {
    if (state.text !== debouncedText) setText(state.text);
  }, [state.text]);

  // rows wait for the signed-in user, so "Owned by me" is the first query and not the second
  const rows = useEntityRows(state, pageSize, ownershipRefs, !owned.loading);
  // Filter choices wait for the first rows, so the rows' query does not queue behind five facet queries.
  const { facets, error: facetsError } = useFacets(state, rows.totalItems !== undefined || rows.error !== undefined, ownershipRefs);

  let body;
  if (rows.error && rows.items.length === 0) {
    body = <ErrorPanel title="Could not load the catalog" error={rows.error} onRetry={rows.retry} />;
  } else if (rows.loading && rows.items.length === 0) {
    body = <Progress label="Loading entities" />;
  } else if (!rows.loading && rows.items.length === 0) {
    body = (
      <EmptyState title="No entities match">
        Try other filters or search words, or <RouterLink to="/catalog-import">register a location</RouterLink>.
      </EmptyState>
    );
  } else {
    body = (
      <>
        {rows.error ? <ErrorPanel title="Could not load more entities" error={rows.error} onRetry={rows.retry} /> : null}
        <CatalogTable
          items={rows.items}
          totalItems={rows.totalItems}
          sort={state.sort}
          onSort={onSort}
          hasMore={rows.hasMore}
          loadingMore={rows.loadingMore}
          refreshing={rows.loading}
          onLoadMore={rows.loadMore}
          height={tableHeight}
        />
      </>
    );
  }

  return (
    <Box sx={{ p: 3 }}>
      <Box sx={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between', mb: 2 }}>
        <Typography variant="h4" component="h1">
          Catalog
        </Typography>
        <Box sx={{ display: 'flex', gap: 1 }}>
          <PermissionButton permission={catalogLocationReadPermission} component={RouterLink} to="/catalog-errors">
            Catalog errors
          </PermissionButton>
          <PermissionButton permission={catalogLocationCreatePermission} variant="contained" component={RouterLink} to="/catalog-import">
            Register existing component
          </PermissionButton>
        </Box>
      </Box>
      <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', md: '260px 1fr' }, gap: 3 }}>
        <Box>
          {facetsError ? <ErrorPanel title="Could not load the filter choices" error={facetsError} /> : null}
          <CatalogFilters
            state={state}
            owned={owned.loading ? undefined : owned.view}
            onOwnedChange={onOwnedChange}
            facets={facets}
            onChange={onFilterChange}
            onClear={onClear}
          />
        </Box>
        <Box sx={{ minWidth: 0 }}>
          <TextField
            label="Search the catalog"
            type="search"
            size="small"
            fullWidth
            value={text}
            onChange={e => setText(e.target.value)}
            slotProps={{
              input: {
                startAdornment: (
                  <InputAdornment position="start">
                    <SearchIcon fontSize="small" />
                  </InputAdornment>
                ),
              },
            }}
            sx={{ mb: 2 }}
          />
          {body}
        </Box>
      </Box>
    </Box>
  );
}
