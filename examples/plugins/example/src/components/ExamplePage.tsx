import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Alert, Box, Button, CircularProgress, List, ListItem, ListItemText, Paper, TextField, Typography } from '@mui/material';
import { alertApiRef, useApi } from '@portico/frontend-plugin-api';
import { exampleApiRef, type ExampleThing } from '../api/ExampleApi';

/** The example's page at /example: the configured greeting, the stored things, a form to add one. */
export function ExamplePage() {
  const exampleApi = useApi(exampleApiRef);
  const alertApi = useApi(alertApiRef);
  const [greeting, setGreeting] = useState<string>();
  const [things, setThings] = useState<ExampleThing[]>();
  const [error, setError] = useState<Error>();
  const [name, setName] = useState('');
  const [saving, setSaving] = useState(false);

  const load = useCallback(async () => {
    try {
      const [g, t] = await Promise.all([exampleApi.getGreeting(), exampleApi.listThings()]);
      setGreeting(g);
      setThings(t);
      setError(undefined);
    } catch (e) {
      setError(e as Error);
    }
  }, [exampleApi]);

  useEffect(() => {
    void load();
  }, [load]);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    try {
      await exampleApi.addThing({ name: name.trim() });
      alertApi.post({ message: `Added ${name.trim()}`, severity: 'success', display: 'transient' });
      setName('');
      await load();
    } catch (e) {
      setError(e as Error);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Box sx={{ p: 3, maxWidth: 720 }}>
      <Typography variant="h4" component="h1" gutterBottom>
        Example
      </Typography>
      {error && (
        <Alert severity="error" sx={{ mb: 2 }}>
          {error.message}
        </Alert>
      )}
      {greeting === undefined && !error ? (
        <CircularProgress aria-label="Loading example" />
      ) : (
        <Typography sx={{ mb: 2 }}>{greeting}</Typography>
      )}
      <Paper variant="outlined" sx={{ p: 2, mb: 2 }}>
        <Box component="form" onSubmit={onSubmit} sx={{ display: 'flex', gap: 1 }} aria-label="Add a thing">
          <TextField
            label="Thing name"
            size="small"
            value={name}
            onChange={e => setName(e.target.value)}
            required
          />
          <Button type="submit" variant="contained" disabled={saving || !name.trim()}>
            Add
          </Button>
        </Box>
      </Paper>
      <Typography variant="h6" component="h2">
        Things
      </Typography>
      {things && things.length === 0 && <Typography color="text.secondary">No things yet.</Typography>}
      <List aria-label="Things">
        {things?.map(thing => (
          <ListItem key={thing.id} divider>
            <ListItemText primary={thing.name} secondary={thing.entityRef ?? undefined} />
          </ListItem>
        ))}
      </List>
    </Box>
  );
}

export default ExamplePage;
