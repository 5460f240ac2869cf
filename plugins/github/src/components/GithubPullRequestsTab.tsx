import { Alert, Chip, CircularProgress, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { SafeLink, useAsync } from '@portico/core-components';
import { useApi } from '@portico/frontend-plugin-api';
import { useEntity } from '@portico/plugin-catalog-react';
import type { GithubPullRequestSummary } from '@portico/plugin-github-common';
import { githubApiRef } from '../api/GithubApi';
import { ageOf, repositoryOf } from './useGithubRepository';

const reviewLabels: Record<GithubPullRequestSummary['reviewState'], { label: string; color: 'success' | 'error' | 'default' | 'info' }> = {
  approved: { label: 'Approved', color: 'success' },
  changes_requested: { label: 'Changes requested', color: 'error' },
  review_required: { label: 'Review required', color: 'default' },
  commented: { label: 'Commented', color: 'info' },
};

/** The repository's open pull requests: title, author, age and review state. */
export function GithubPullRequestsTab() {
  const { entity } = useEntity();
  const githubApi = useApi(githubApiRef);
  const target = repositoryOf(entity);
  const { value: pulls, error, loading } = useAsync(
    () => (target ? githubApi.listPullRequests(target) : Promise.reject(new Error('This entity has no github.com/project-slug annotation'))),
    [githubApi, target?.owner, target?.repo, target?.host],
  );

  if (error) return <Alert severity="error">{error.message}</Alert>;
  if (loading) return <CircularProgress size={24} aria-label="Loading pull requests" />;
  if (!pulls?.length) return <Typography>No open pull requests in {target?.owner}/{target?.repo}.</Typography>;
  return (
    <Table size="small" aria-label="Open pull requests">
      <TableHead>
        <TableRow>
          <TableCell>Pull request</TableCell>
          <TableCell>Author</TableCell>
          <TableCell>Age</TableCell>
          <TableCell>Review</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {pulls.map(pull => (
          <TableRow key={pull.number}>
            <TableCell>
              <SafeLink url={pull.htmlUrl} external>
                #{pull.number} {pull.title}
              </SafeLink>
              {pull.draft && <Chip size="small" label="Draft" sx={{ ml: 1 }} />}
            </TableCell>
            <TableCell>{pull.author ?? 'unknown'}</TableCell>
            <TableCell>{ageOf(pull.createdAt)}</TableCell>
            <TableCell>
              <Chip size="small" label={reviewLabels[pull.reviewState].label} color={reviewLabels[pull.reviewState].color} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

export default GithubPullRequestsTab;
