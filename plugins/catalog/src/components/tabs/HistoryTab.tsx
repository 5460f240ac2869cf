import { Box, Chip, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { stringifyEntityRef } from '@portico/catalog-model';
import { useApi } from '@portico/frontend-plugin-api';
import { catalogApiRef, useEntity } from '@portico/plugin-catalog-react';
import { useAsync } from '@portico/core-components';
import { InfoCard } from '../shared/InfoCard';
import { EmptyState, ErrorPanel, Progress } from '@portico/core-components';

function show(value: unknown): string {
  if (value === undefined) return '∅';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The History tab: every change the catalog recorded for this entity, newest first, with what changed. */
export function HistoryTab() {
  const { entity } = useEntity();
  const catalogApi = useApi(catalogApiRef);
  const ref = stringifyEntityRef(entity);
  const { loading, error, value, retry } = useAsync(() => catalogApi.getEntityHistory(ref), [catalogApi, ref]);
  let body;
  if (error) body = <ErrorPanel title="Could not load the history" error={error} onRetry={retry} />;
  else if (loading || !value) body = <Progress label="Loading history" />;
  else if (value.items.length === 0) body = <EmptyState title="No recorded changes" />;
  else {
    const entries = [...value.items].sort((a, b) => Date.parse(b.changedAt) - Date.parse(a.changedAt));
    body = (
      <Table size="small" aria-label="History">
        <TableHead>
          <TableRow>
            <TableCell>When</TableCell>
            <TableCell>Change</TableCell>
            <TableCell>Source</TableCell>
            <TableCell>What changed</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {entries.map(entry => (
            <TableRow key={entry.id}>
              <TableCell sx={{ whiteSpace: 'nowrap' }}>
                <time dateTime={entry.changedAt}>{new Date(entry.changedAt).toLocaleString()}</time>
              </TableCell>
              <TableCell>
                <Chip size="small" label={entry.action} color={entry.action === 'deleted' ? 'error' : entry.action === 'created' ? 'success' : 'default'} />
              </TableCell>
              <TableCell>{entry.source ?? '—'}</TableCell>
              <TableCell>
                {entry.changes.length ? (
                  <Box component="ul" sx={{ m: 0, pl: 2 }}>
                    {entry.changes.map((change, j) => (
                      <li key={j}>
                        <code>{change.path}</code>{' '}
                        <Typography component="span" variant="body2" color="text.secondary">
                          {change.op === 'add'
                            ? `set to ${show(change.after)}`
                            : change.op === 'remove'
                              ? `removed (was ${show(change.before)})`
                              : `${show(change.before)} → ${show(change.after)}`}
                        </Typography>
                      </li>
                    ))}
                  </Box>
                ) : (
                  '—'
                )}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    );
  }
  return <InfoCard title="History">{body}</InfoCard>;
}

export default HistoryTab;
