import { Avatar, Box, Chip, Link, MenuItem, Stack, Table, TableBody, TableCell, TableHead, TableRow, TextField, Typography } from '@mui/material';
import { useMemo, useRef } from 'react';
import { Link as RouterLink, useSearchParams } from 'react-router';
import { stringifyEntityRef } from '@portico/catalog-model';
import { EmptyState, Progress, SafeLink, useAsync } from '@portico/core-components';
import { useApi } from '@portico/frontend-plugin-api';
import { entityRoute, humanizeEntityRef, useEntity } from '@portico/plugin-catalog-react';
import type { JiraEntitySummary, JiraIssue, JiraStatusCategory } from '@portico/plugin-jira-common';
import { jiraApiRef, type JiraIssueFilter } from '../api/JiraApi';
import { plural } from './counts';
import { JiraEntityErrors, JiraErrorPanel } from './JiraErrorPanel';

/** The status filter's choices: open (the default: To Do and In Progress), one category, or everything. */
const STATUS_CHOICES: Array<{ value: string; label: string; categories?: JiraStatusCategory[] }> = [
  { value: 'open', label: 'Open' },
  { value: 'new', label: 'To Do', categories: ['new'] },
  { value: 'indeterminate', label: 'In Progress', categories: ['indeterminate'] },
  { value: 'done', label: 'Done', categories: ['done'] },
  { value: 'all', label: 'All', categories: ['new', 'indeterminate', 'done'] },
];

const categoryLabel: Record<JiraStatusCategory, string> = { new: 'To Do', indeterminate: 'In Progress', done: 'Done' };
const categoryColor: Record<JiraStatusCategory, 'default' | 'info' | 'success'> = { new: 'default', indeterminate: 'info', done: 'success' };

/**
 * The entity's Jira issues with filters by type and status; on a Group, the issues of the components it owns,
 * with the components listed. Filters live in the URL (`?type=Bug&status=done`), so a filtered list can be shared.
 */
export function IssuesTab() {
  const { entity } = useEntity();
  const jiraApi = useApi(jiraApiRef);
  const entityRef = stringifyEntityRef(entity);
  const [searchParams, setSearchParams] = useSearchParams();
  const type = searchParams.get('type') ?? '';
  const status = STATUS_CHOICES.find(c => c.value === searchParams.get('status')) ?? STATUS_CHOICES[0];
  const filter: JiraIssueFilter = { ...(type ? { types: [type] } : {}), ...(status.categories ? { statusCategories: status.categories } : {}) };
  const { value: summary, error, loading, retry } = useAsync(() => jiraApi.getEntitySummary(entityRef, filter), [jiraApi, entityRef, type, status.value]);

  // Types offered by the filter: every type seen so far (the counts cover open issues only).
  const seenTypes = useRef(new Set<string>());
  const types = useMemo(() => {
    for (const t of Object.keys(summary?.countsByType ?? {})) seenTypes.current.add(t);
    for (const issue of summary?.issues ?? []) seenTypes.current.add(issue.type);
    if (type) seenTypes.current.add(type);
    return [...seenTypes.current].sort((a, b) => a.localeCompare(b));
  }, [summary, type]);

  const setFilter = (key: 'type' | 'status', value: string) => {
    const next = new URLSearchParams(searchParams);
    if (!value || (key === 'status' && value === 'open')) next.delete(key);
    else next.set(key, value);
    setSearchParams(next, { replace: true });
  };

  return (
    <Stack spacing={2}>
      {summary && <Scope summary={summary} isGroup={entity.kind.toLowerCase() === 'group'} />}
      <Stack direction="row" spacing={2} component="form" aria-label="Filter issues" onSubmit={e => e.preventDefault()}>
        <TextField select label="Type" size="small" sx={{ minWidth: 180 }} value={type} onChange={e => setFilter('type', e.target.value)}>
          <MenuItem value="">All types</MenuItem>
          {types.map(t => (
            <MenuItem key={t} value={t}>
              {t}
            </MenuItem>
          ))}
        </TextField>
        <TextField select label="Status" size="small" sx={{ minWidth: 180 }} value={status.value} onChange={e => setFilter('status', e.target.value)}>
          {STATUS_CHOICES.map(c => (
            <MenuItem key={c.value} value={c.value}>
              {c.label}
            </MenuItem>
          ))}
        </TextField>
      </Stack>
      {error ? (
        <JiraErrorPanel error={error} onRetry={retry} />
      ) : loading || !summary ? (
        <Progress label="Loading Jira issues" />
      ) : (
        <>
          <JiraEntityErrors errors={summary.errors} entityRef={entityRef} />
          <Issues summary={summary} filtered={Boolean(type) || status.value !== 'open'} />
        </>
      )}
    </Stack>
  );
}

/** Which project(s) the issues come from and, on a Group, which components. */
function Scope({ summary, isGroup }: { summary: JiraEntitySummary; isGroup: boolean }) {
  return (
    <Box>
      {summary.projects.length > 0 && (
        <Typography>
          {summary.projects.length === 1 ? 'Project ' : 'Projects '}
          {summary.projects.map((p, i) => (
            <span key={`${p.host}/${p.key}`}>
              {i ? ', ' : ''}
              <SafeLink url={p.url} external>
                {p.name} ({p.key})
              </SafeLink>
            </span>
          ))}
        </Typography>
      )}
      {isGroup && (
        <Typography component="div" aria-label="Components aggregated">
          {summary.components.length === 0
            ? 'No component of this group is mapped to Jira.'
            : `Issues of ${plural(summary.components.length, 'component')}: `}
          {summary.components.map((ref, i) => (
            <span key={ref}>
              {i ? ', ' : ''}
              <Link component={RouterLink} to={entityRoute(ref) ?? '#'}>
                {humanizeEntityRef(ref)}
              </Link>
            </span>
          ))}
        </Typography>
      )}
    </Box>
  );
}

function Issues({ summary, filtered }: { summary: JiraEntitySummary; filtered: boolean }) {
  if (!summary.issues.length) {
    return <EmptyState title={filtered ? 'No issues match these filters' : 'No open issues'}>{filtered ? 'Try another type or status.' : undefined}</EmptyState>;
  }
  return (
    <>
      <Table size="small" aria-label="Jira issues">
        <TableHead>
          <TableRow>
            <TableCell>Key</TableCell>
            <TableCell>Summary</TableCell>
            <TableCell>Type</TableCell>
            <TableCell>Priority</TableCell>
            <TableCell>Status</TableCell>
            <TableCell>Assignee</TableCell>
            <TableCell>Age</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {summary.issues.map(issue => (
            <IssueRow key={issue.key} issue={issue} />
          ))}
        </TableBody>
      </Table>
      {summary.truncated && (
        <Typography variant="body2" color="text.secondary">
          Showing {summary.issues.length} of {summary.total} issues, newest first.
        </Typography>
      )}
    </>
  );
}

function IssueRow({ issue }: { issue: JiraIssue }) {
  return (
    <TableRow>
      <TableCell>
        <SafeLink url={issue.url} external>
          {issue.key}
        </SafeLink>
      </TableCell>
      <TableCell>{issue.summary}</TableCell>
      <TableCell>{issue.type}</TableCell>
      <TableCell>{issue.priority ?? 'None'}</TableCell>
      <TableCell>
        <Chip size="small" label={issue.status} color={categoryColor[issue.statusCategory]} variant={issue.statusCategory === 'new' ? 'outlined' : 'filled'} title={categoryLabel[issue.statusCategory]} />
      </TableCell>
      <TableCell>
        {issue.assignee ? (
          <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
            {issue.assignee.avatarUrl ? <Avatar src={issue.assignee.avatarUrl} alt="" sx={{ width: 20, height: 20 }} /> : null}
            {issue.assignee.displayName}
          </Box>
        ) : (
          'Unassigned'
        )}
      </TableCell>
      <TableCell>{issue.ageDays === 0 ? 'today' : plural(issue.ageDays, 'day')}</TableCell>
    </TableRow>
  );
}

export default IssuesTab;
