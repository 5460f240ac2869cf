import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Alert, Box, Button, CircularProgress, List, ListItem, ListItemText, Paper, TextField, Typography } from '@mui/material';
import { alertApiRef, useApi } from '@portico/frontend-plugin-api';
import { exampleApiRef, type Greeting } from '../api/ExampleApi';

/** The example's page at /example: a form to greet someone and the latest greetings. */
export function ExamplePage() {
  const exampleApi = useApi(exampleApiRef);
  const alertApi = useApi(alertApiRef);
  const [greetings, setGreetings] = useState<Greeting[]>();
  const [error, setError] = useState<Error>();
  const [name, setName] = useState('');
  const [saving, setSaving] = useState(false);

  const load = useCallback(async () => {
    try {
      setGreetings(await exampleApi.listGreetings({ limit: 20 }));
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
      const greeting = await exampleApi.greet(name.trim());
      alertApi.post({ message: greeting.message, severity: 'success', display: 'transient' });
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
      <Typography color="text.secondary" sx={{ mb: 2 }}>
        The example plugin pair: this page calls the example backend at /api/example.
      </Typography>
      {error && (
        <Alert severity="error" sx={{ mb: 2 }}>
          {error.message}
        </Alert>
      )}
      <Paper variant="outlined" sx={{ p: 2, mb: 2 }}>
        <Box component="form" onSubmit={onSubmit} sx={{ display: 'flex', gap: 1 }} aria-label="Greet someone">
          <TextField label="Name" size="small" value={name} onChange={e => setName(e.target.value)} required />
          <Button type="submit" variant="contained" disabled={saving || !name.trim()}>
            Greet
          </Button>
        </Box>
      </Paper>
      <Typography variant="h6" component="h2">
        Latest greetings
      </Typography>
      {greetings === undefined && !error && <CircularProgress aria-label="Loading greetings" />}
      {greetings?.length === 0 && <Typography color="text.secondary">No greetings yet.</Typography>}
      <List aria-label="Latest greetings">
        {greetings?.map(greeting => (
          <ListItem key={greeting.id} divider>
            <ListItemText primary={greeting.message} secondary={new Date(greeting.createdAt).toLocaleString()} />
          </ListItem>
        ))}
      </List>
    </Box>
  );
}

export default ExamplePage;
