import {
  Box,
  Chip,
  LinearProgress,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
  TableSortLabel,
  Typography,
} from '@mui/material';
import { DEFAULT_NAMESPACE, type Entity } from '@portico/catalog-model';
import { observeElementRect, useVirtualizer, type Virtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef } from 'react';
import type { CatalogColumnField, CatalogSort } from '../../filters/catalogFilterState';
import { EntityRefLink } from '../shared/EntityRefLink';

const ROW_HEIGHT = 53;
/** Rows fetched ahead of the viewport's end, so scrolling rarely waits. */
const PREFETCH_ROWS = 40;

/**
 * Short columns get the pixels their longest usual value needs ("Component", "organization", "experimental",
 * with the sort arrow in the header), so they never read "Comp…"; the name (with the description under it)
 * takes the rest. Below the table's minimum width the area scrolls sideways instead of squeezing them.
 */
const columns: Array<{ field?: CatalogColumnField; label: string; width?: number }> = [
  { field: 'metadata.name', label: 'Name' },
  { field: 'kind', label: 'Kind', width: 116 },
  { field: 'spec.type', label: 'Type', width: 128 },
  { field: 'spec.owner', label: 'Owner', width: 132 },
  { field: 'spec.lifecycle', label: 'Lifecycle', width: 132 },
  { label: 'Tags', width: 132 },
];
const TABLE_MIN_WIDTH = 820;

export interface CatalogTableProps {
  items: Entity[];
  totalItems?: number;
  sort: CatalogSort;
  onSort(sort: CatalogSort): void;
  hasMore: boolean;
  loadingMore: boolean;
  refreshing: boolean;
  onLoadMore(): void;
  /** Height of the scrolling area; rows outside it are not rendered. */
  height?: number | string;
}

/** Before layout (and in test DOMs) the scroll area measures 0: assume a screenful so rows render at once. */
const observeRectWithFallback: typeof observeElementRect = (instance, cb) =>
  observeElementRect(instance, rect => cb(rect.height > 0 ? rect : { width: rect.width || 1000, height: 800 }));

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

const cell = { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' } as const;

/** One row; memoised so that scrolling renders only the rows that come into view. */
const EntityRow = memo(function EntityRow({ entity, index }: { entity: Entity; index: number }) {
  const owner = text(entity.spec?.owner);
  const namespace = entity.metadata.namespace ?? DEFAULT_NAMESPACE;
  return (
    <TableRow hover aria-rowindex={index + 2} style={{ height: ROW_HEIGHT }}>
      <TableCell sx={{ ...cell, py: 0.5 }} title={entity.metadata.description}>
        <EntityRefLink entityRef={entity} title={entity.metadata.title ?? entity.metadata.name} />
        {entity.metadata.description ? (
          <Typography variant="body2" color="text.secondary" sx={{ ...cell, fontSize: '0.8125rem' }}>
            {entity.metadata.description}
          </Typography>
        ) : null}
      </TableCell>
      <TableCell sx={cell}>{entity.kind}</TableCell>
      <TableCell sx={cell}>{text(entity.spec?.type)}</TableCell>
      <TableCell sx={cell}>
        {owner ? <EntityRefLink entityRef={owner} defaultKind="group" defaultNamespace={namespace} /> : null}
      </TableCell>
      <TableCell sx={cell}>{text(entity.spec?.lifecycle)}</TableCell>
      <TableCell sx={cell} title={(entity.metadata.tags ?? []).join(', ')}>
        {(entity.metadata.tags ?? []).slice(0, 3).map(tag => (
          <Chip key={tag} label={tag} size="small" sx={{ mr: 0.5 }} />
        ))}
      </TableCell>
    </TableRow>
  );
});

function useLoadMoreNearEnd(virtualizer: Virtualizer<HTMLDivElement, Element>, props: CatalogTableProps) {
  const { items, hasMore, loadingMore, onLoadMore } = props;
  const last = virtualizer.getVirtualItems().at(-1)?.index ?? -1;
  useEffect(() => {
    if (hasMore && !loadingMore && last >= items.length - PREFETCH_ROWS) onLoadMore();
  }, [last, items.length, hasMore, loadingMore, onLoadMore]);
}

/** The column headers; each sortable one toggles between ascending and descending. */
const CatalogTableHead = memo(function CatalogTableHead({ sort, onSort }: { sort: CatalogSort; onSort(sort: CatalogSort): void }) {
  return (
    <TableHead>
      <TableRow aria-rowindex={1}>
        {columns.map(column => {
          const active = column.field !== undefined && sort.field === column.field;
          return (
            <TableCell
              key={column.label}
              sx={{ width: column.width, whiteSpace: 'nowrap' }}
              sortDirection={active ? sort.order : false}
            >
              {column.field ? (
                <TableSortLabel
                  active={active}
                  direction={active ? sort.order : 'asc'}
                  onClick={() =>
                    onSort({
                      field: column.field!,
                      order: active && sort.order === 'asc' ? 'desc' : 'asc',
                    })
                  }
                >
                  {column.label}
                </TableSortLabel>
              ) : (
                column.label
              )}
            </TableCell>
          );
        })}
      </TableRow>
    </TableHead>
  );
});

/** The catalog's rows in a fixed-height scroll area; only the rows in view are in the DOM. */
export function CatalogTable(props: CatalogTableProps) {
  const { items, totalItems, sort, onSort, refreshing, loadingMore, height = 'calc(100vh - 240px)' } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
    observeElementRect: observeRectWithFallback,
  });
  useLoadMoreNearEnd(virtualizer, props);
  const virtualRows = virtualizer.getVirtualItems();
  const paddingTop = virtualRows[0]?.start ?? 0;
  const paddingBottom = virtualizer.getTotalSize() - (virtualRows.at(-1)?.end ?? 0);

  return (
    <Box>
      <Typography variant="body2" color="text.secondary" role="status" sx={{ mb: 1 }}>
        {totalItems === undefined ? '' : `${totalItems} ${totalItems === 1 ? 'entity' : 'entities'}`}
      </Typography>
      <Box sx={{ height: 4 }}>{refreshing || loadingMore ? <LinearProgress aria-label="Loading rows" /> : null}</Box>
      <TableContainer ref={scrollRef} sx={{ height, minHeight: 320, overflow: 'auto' }}>
        <Table stickyHeader size="medium" aria-label="Catalog" aria-rowcount={(totalItems ?? items.length) + 1} sx={{ tableLayout: 'fixed', minWidth: TABLE_MIN_WIDTH }}>
          <CatalogTableHead sort={sort} onSort={onSort} />
          <TableBody>
            {/* Spacers use inline style: as `sx`, every new height would insert a CSS rule while scrolling. */}
            {paddingTop > 0 ? (
              <TableRow aria-hidden="true" style={{ height: paddingTop }}>
                <TableCell colSpan={columns.length} sx={{ p: 0, border: 0 }} />
              </TableRow>
            ) : null}
            {virtualRows.map(row => {
              const entity = items[row.index];
              return <EntityRow key={`${entity.kind}:${entity.metadata.namespace}/${entity.metadata.name}`} entity={entity} index={row.index} />;
            })}
            {paddingBottom > 0 ? (
              <TableRow aria-hidden="true" style={{ height: paddingBottom }}>
                <TableCell colSpan={columns.length} sx={{ p: 0, border: 0 }} />
              </TableRow>
            ) : null}
          </TableBody>
        </Table>
      </TableContainer>
    </Box>
  );
}
