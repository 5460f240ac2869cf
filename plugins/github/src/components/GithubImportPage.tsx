import { useState, type FormEvent } from 'react';
import { Alert, Box, Button, CircularProgress, List, ListItem, ListItemText, Stack, TextField, Typography } from '@mui/material';
import { useApi } from '@portico/frontend-plugin-api';
import type { GithubDiscoveryPreview } from '@portico/plugin-github-common';
import { githubApiRef } from '../api/GithubApi';

/** Previews what discovery would add for an organisation, before anyone configures it. */
export function GithubImportPage() {
  const githubApi = useApi(githubApiRef);
  const [organization, setOrganization] = useState('');
  const [host, setHost] = useState('github.com');
  const [catalogPath, setCatalogPath] = useState('/catalog-info.yaml');
  const [state, setState] = useState<{ loading?: boolean; preview?: GithubDiscoveryPreview; error?: Error }>({});

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setState({ loading: true });
    try {
      setState({ preview: await githubApi.previewDiscovery({ organization: organization.trim(), host, catalogPath }) });
    } catch (error) {
      setState({ error: error as Error });
    }
  };

  const preview = state.preview;
  const entityCount = preview?.repositories.reduce((n, r) => n + r.files.reduce((m, f) => m + f.entities.length, 0), 0) ?? 0;
  return (
    <Box component="main" sx={{ p: 3 }}>
      <Typography component="h1" variant="h4" gutterBottom>
        Import from GitHub
      </Typography>
      <Box component="form" onSubmit={submit} aria-label="Preview discovery">
        <Stack direction="row" spacing={2} sx={{ mb: 2 }}>
          <TextField label="Organization" value={organization} onChange={e => setOrganization(e.target.value)} required />
          <TextField label="Host" value={host} onChange={e => setHost(e.target.value)} />
          <TextField label="Catalog path" value={catalogPath} onChange={e => setCatalogPath(e.target.value)} />
          <Button type="submit" variant="contained" disabled={!organization.trim() || state.loading}>
            Preview
          </Button>
        </Stack>
      </Box>
      {state.loading && <CircularProgress aria-label="Scanning the organization" />}
      {state.error && <Alert severity="error">{state.error.message}</Alert>}
      {preview && (
        <section aria-label="Discovery preview">
          <Typography>
            {preview.repositoriesScanned} repositories scanned: {entityCount} entities in {preview.repositories.length} repositories would be added.
          </Typography>
          <List aria-label="Repositories with catalog files">
            {preview.repositories.map(repo =>
              repo.files.map(file => (
                <ListItem key={file.url}>
                  <ListItemText
                    primary={repo.fullName}
                    secondary={file.error ? `Error: ${file.error}` : file.entities.map(e => `${e.kind} ${e.namespace ? `${e.namespace}/` : ''}${e.name}`).join(', ')}
                  />
                </ListItem>
              )),
            )}
          </List>
          {preview.skipped.length > 0 && (
            <>
              <Typography component="h2" variant="h6">
                Skipped
              </Typography>
              <List aria-label="Skipped repositories" dense>
                {preview.skipped.map(s => (
                  <ListItem key={s.fullName}>
                    <ListItemText primary={s.fullName} secondary={s.reason} />
                  </ListItem>
                ))}
              </List>
            </>
          )}
        </section>
      )}
    </Box>
  );
}

export default GithubImportPage;
