import { useApi } from '@portico/frontend-plugin-api';
import { useEffect, useState } from 'react';
import { catalogApiRef } from '@portico/plugin-catalog-react';
import {
  catalogFacetFilters,
  toEntityFilter,
  type CatalogFacetKey,
  type CatalogFilterState,
} from '../../filters/catalogFilterState';

export type FacetChoices = Partial<Record<CatalogFacetKey, Array<{ value: string; count: number }>>>;

/**
 * The choices and counts of each filter. A filter's own selection is left out of its query so that
 * picking one owner still shows the other owners (with counts under the remaining filters). With
 * `ownershipRefs` ("Owned by me"), every choice counts only the user's entities.
 */
export function useFacets(
  state: CatalogFilterState,
  enabled = true,
  ownershipRefs?: string[],
): { facets: FacetChoices; error?: Error } {
  const catalogApi = useApi(catalogApiRef);
  const [facets, setFacets] = useState<FacetChoices>({});
  const [error, setError] = useState<Error>();
  const key = JSON.stringify(catalogFacetFilters.map(f => toEntityFilter(state, f.key, ownershipRefs)));
  useEffect(() => {
    if (!enabled) return;
    let current = true;
    setError(undefined);
    Promise.all(
      catalogFacetFilters.map(async ({ key: filterKey, facet }) => {
        const res = await catalogApi.getEntityFacets({ facets: [facet], filter: toEntityFilter(state, filterKey, ownershipRefs) });
        const values = [...(res.facets[facet] ?? [])].sort((a, b) => a.value.localeCompare(b.value));
        return [filterKey, values] as const;
      }),
    ).then(
      entries => current && setFacets(Object.fromEntries(entries)),
      (e: unknown) => current && setError(e instanceof Error ? e : new Error(String(e))),
    );
    return () => {
      current = false;
    };
  }, [catalogApi, key, enabled]);
  return { facets, error };
}
