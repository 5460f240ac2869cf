import { useMemo, useState } from 'react';
import { Link, Table, TableBody, TableCell, TableHead, TableRow, TableSortLabel, Tooltip } from '@mui/material';
import { entityRoute, humanizeEntityRef } from '@portico/plugin-catalog-react';
import { INSIGHTS_METRIC_IDS, INSIGHTS_METRICS, type InsightsBreakdownResponse, type InsightsMetricId } from '@portico/plugin-insights-common';
import { Link as RouterLink } from 'react-router';
import { formatValue } from './metricText';

type Row = InsightsBreakdownResponse['rows'][number];
type SortKey = 'entity' | InsightsMetricId;

const nameOf = (row: Row) => row.title ?? humanizeEntityRef(row.entityRef, { defaultKind: 'component' });

/** Each entity of a scope with every metric's value; sorted by any column (entities without a value last), names link to their pages. */
export function BreakdownTable({ breakdown }: { breakdown: InsightsBreakdownResponse }) {
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'entity', desc: false });
  const rows = useMemo(() => {
    const sign = sort.desc ? -1 : 1;
    return [...breakdown.rows].sort((a, b) => {
      if (sort.key === 'entity') return sign * nameOf(a).localeCompare(nameOf(b));
      const va = a.metrics[sort.key]?.value ?? null;
      const vb = b.metrics[sort.key]?.value ?? null;
      if (va === null || vb === null) return va === vb ? nameOf(a).localeCompare(nameOf(b)) : va === null ? 1 : -1;
      return sign * (va - vb) || nameOf(a).localeCompare(nameOf(b));
    });
  }, [breakdown.rows, sort]);

  const header = (key: SortKey, label: string) => (
    <TableCell key={key} sortDirection={sort.key === key ? (sort.desc ? 'desc' : 'asc') : false} align={key === 'entity' ? 'left' : 'right'}>
      <TableSortLabel active={sort.key === key} direction={sort.key === key && sort.desc ? 'desc' : 'asc'} onClick={() => setSort(s => ({ key, desc: s.key === key ? !s.desc : false }))}>
        {label}
      </TableSortLabel>
    </TableCell>
  );

  return (
    <Table size="small" aria-label="Breakdown by entity">
      <TableHead>
        <TableRow>
          {header('entity', 'Entity')}
          {INSIGHTS_METRIC_IDS.map(id => header(id, INSIGHTS_METRICS[id].title))}
        </TableRow>
      </TableHead>
      <TableBody>
        {rows.map(row => (
          <TableRow key={row.entityRef}>
            <TableCell component="th" scope="row">
              <Link component={RouterLink} to={entityRoute(row.entityRef) ?? '#'}>
                {nameOf(row)}
              </Link>
            </TableCell>
            {INSIGHTS_METRIC_IDS.map(id => {
              const cell = row.metrics[id];
              if (!cell || cell.value === null) {
                return (
                  <TableCell key={id} align="right">
                    <Tooltip title={cell?.insufficientData ?? 'No events'}>
                      <span>n/a</span>
                    </Tooltip>
                  </TableCell>
                );
              }
              return (
                <TableCell key={id} align="right">
                  {formatValue(INSIGHTS_METRICS[id].unit, cell.value)}
                </TableCell>
              );
            })}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
