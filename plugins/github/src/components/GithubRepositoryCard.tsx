import { Alert, Box, Card, CardContent, CardHeader, Chip, CircularProgress, Stack, Tooltip, Typography } from '@mui/material';
import { SafeLink, useAsync } from '@portico/core-components';
import { useApi } from '@portico/frontend-plugin-api';
import { useEntity } from '@portico/plugin-catalog-react';
import { githubApiRef } from '../api/GithubApi';
import { ageOf, repositoryOf } from './useGithubRepository';

const palette = ['#3178c6', '#00add8', '#f1e05a', '#b07219', '#3572A5', '#89e051', '#e34c26', '#563d7c'];

/** The entity's repository: link, language bar, branch protection and the last commit. */
export function GithubRepositoryCard() {
  const { entity } = useEntity();
  const githubApi = useApi(githubApiRef);
  const target = repositoryOf(entity);
  const { value: repo, error, loading } = useAsync(
    () => (target ? githubApi.getRepositorySummary(target) : Promise.reject(new Error('This entity has no github.com/project-slug annotation'))),
    [githubApi, target?.owner, target?.repo, target?.host],
  );
  const total = repo?.languages.reduce((n, l) => n + l.bytes, 0) ?? 0;

  return (
    <Card variant="outlined" component="section" aria-labelledby="github-card-title">
      <CardHeader title="GitHub" slotProps={{ title: { id: 'github-card-title', component: 'h2', variant: 'h6' } }} />
      <CardContent>
        {error && <Alert severity="error">{error.message}</Alert>}
        {loading && <CircularProgress size={24} aria-label="Loading repository" />}
        {!loading && repo && (
          <Stack spacing={2}>
            <Box>
              <SafeLink url={repo.htmlUrl} external>
                {repo.fullName}
              </SafeLink>
              {repo.archived && <Chip size="small" label="Archived" sx={{ ml: 1 }} />}
              {repo.description && <Typography color="text.secondary">{repo.description}</Typography>}
            </Box>
            {total > 0 && (
              <Box>
                <Box role="img" aria-label={`Languages: ${repo.languages.map(l => `${l.name} ${Math.round((l.bytes / total) * 100)}%`).join(', ')}`} sx={{ display: 'flex', height: 8, borderRadius: 1, overflow: 'hidden' }}>
                  {repo.languages.map((l, i) => (
                    <Tooltip key={l.name} title={`${l.name} ${((l.bytes / total) * 100).toFixed(1)}%`}>
                      <Box sx={{ width: `${(l.bytes / total) * 100}%`, bgcolor: palette[i % palette.length] }} />
                    </Tooltip>
                  ))}
                </Box>
                <Typography variant="body2" color="text.secondary">
                  {repo.languages.slice(0, 4).map(l => `${l.name} ${Math.round((l.bytes / total) * 100)}%`).join(' · ')}
                </Typography>
              </Box>
            )}
            <Typography>
              Branch <code>{repo.defaultBranch}</code>:{' '}
              {repo.branchProtection.protected
                ? `protected (${repo.branchProtection.requiredReviews ?? 0} required review${repo.branchProtection.requiredReviews === 1 ? '' : 's'}${repo.branchProtection.requiredStatusChecks.length ? `, checks: ${repo.branchProtection.requiredStatusChecks.join(', ')}` : ''}${repo.branchProtection.enforceAdmins ? ', admins included' : ''})`
                : 'not protected'}
            </Typography>
            {repo.lastCommit && (
              <Typography variant="body2">
                Last commit{' '}
                <SafeLink url={repo.lastCommit.htmlUrl} external>
                  {repo.lastCommit.sha.slice(0, 7)}
                </SafeLink>{' '}
                {repo.lastCommit.message.split('\n')[0]}
                {repo.lastCommit.author ? ` by ${repo.lastCommit.author}` : ''}
                {repo.lastCommit.date ? `, ${ageOf(repo.lastCommit.date)} ago` : ''}
              </Typography>
            )}
          </Stack>
        )}
      </CardContent>
    </Card>
  );
}

export default GithubRepositoryCard;
