import type { Entity } from '@portico/catalog-model';
import { useApi } from '@portico/frontend-plugin-api';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { catalogApiRef } from '@portico/plugin-catalog-react';
import { FULL_TEXT_FIELDS, toEntityFilter, type CatalogFilterState } from '../../filters/catalogFilterState';

/** Only what the table shows travels over the wire. */
export const CATALOG_TABLE_FIELDS = [
  'apiVersion',
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'metadata.description',
  'metadata.tags',
  'spec.type',
  'spec.owner',
  'spec.lifecycle',
];

export interface EntityRows {
  items: Entity[];
  totalItems?: number;
  /** True while the first page of the current view loads. */
  loading: boolean;
  /** True while a further page loads. */
  loadingMore: boolean;
  error?: Error;
  hasMore: boolean;
  loadMore(): void;
  retry(): void;
}

type Page = { items: Entity[]; totalItems: number; nextCursor?: string };

/**
 * The rows of the catalog table for a view, fetched a page at a time with the server's cursor.
 * A new view starts over; pages that arrive for an older view are dropped. `ownershipRefs` limits the rows
 * to the signed-in user's entities ("Owned by me").
 */
export function useEntityRows(state: CatalogFilterState, pageSize = 100, ownershipRefs?: string[], enabled = true): EntityRows {
  const catalogApi = useApi(catalogApiRef);
  const filter = toEntityFilter(state, undefined, ownershipRefs);
  const viewKey = JSON.stringify([filter, state.text, state.sort, pageSize]);
  const [data, setData] = useState<{ key: string; items: Entity[]; totalItems?: number; nextCursor?: string }>({
    key: '',
    items: [],
  });
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<Error>();
  const [attempt, setAttempt] = useState(0);
  const currentKey = useRef(viewKey);
  currentKey.current = viewKey;

  const request = useMemo(
    () => ({
      filter,
      fields: CATALOG_TABLE_FIELDS,
      orderFields: [{ field: state.sort.field, order: state.sort.order }],
      fullTextFilter: state.text ? { term: state.text, fields: FULL_TEXT_FIELDS } : undefined,
      limit: pageSize,
    }),
    [viewKey],
  );

  useEffect(() => {
    if (!enabled) return;
    let current = true;
    setError(undefined);
    catalogApi.queryEntities(request).then(
      (res: { items: Entity[]; totalItems: number; pageInfo: { nextCursor?: string } }) => {
        if (current) setData({ key: viewKey, items: res.items, totalItems: res.totalItems, nextCursor: res.pageInfo.nextCursor });
      },
      (e: unknown) => current && setError(e instanceof Error ? e : new Error(String(e))),
    );
    return () => {
      current = false;
    };
  }, [catalogApi, request, viewKey, attempt, enabled]);

  const fetching = useRef(false);
  const loadMore = useCallback(() => {
    const cursor = data.key === viewKey ? data.nextCursor : undefined;
    if (!cursor || fetching.current) return;
    fetching.current = true;
    setLoadingMore(true);
    const key = viewKey;
    catalogApi
      .queryEntities({ cursor, fields: CATALOG_TABLE_FIELDS, limit: pageSize })
      .then(
        (res: Page & { pageInfo: { nextCursor?: string } }) => {
          if (currentKey.current !== key) return;
          setData(prev =>
            prev.key === key
              ? { key, items: [...prev.items, ...res.items], totalItems: res.totalItems, nextCursor: res.pageInfo.nextCursor }
              : prev,
          );
        },
        (e: unknown) => currentKey.current === key && setError(e instanceof Error ? e : new Error(String(e))),
      )
      .finally(() => {
        fetching.current = false;
        setLoadingMore(false);
      });
  }, [catalogApi, data, viewKey, pageSize]);

  const fresh = data.key === viewKey;
  return {
    // The previous view's rows stay on screen (under a progress bar) until the new ones arrive.
    items: data.items,
    totalItems: data.totalItems,
    loading: !fresh && !error,
    loadingMore,
    error,
    hasMore: fresh && Boolean(data.nextCursor),
    loadMore,
    retry: () => setAttempt(a => a + 1),
  };
}
