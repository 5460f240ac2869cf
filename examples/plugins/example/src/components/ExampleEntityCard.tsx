import { useCallback, useEffect, useState } from 'react';
import {
  Alert,
  Button,
  Card,
  CardActions,
  CardContent,
  CardHeader,
  CircularProgress,
  List,
  ListItem,
  ListItemText,
  Typography,
} from '@mui/material';
import { useApi, useEntity } from '@portico/frontend-plugin-api';
import { exampleApiRef, type Greeting } from '../api/ExampleApi';

/** A card on Component pages: the greetings addressed to this entity, and a button to add one. */
export function ExampleEntityCard() {
  const { entity } = useEntity();
  const exampleApi = useApi(exampleApiRef);
  const name = entity.metadata.name;
  const [greetings, setGreetings] = useState<Greeting[]>();
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      const latest = await exampleApi.listGreetings({ limit: 100 });
      setGreetings(latest.filter(g => g.name === name));
      setError(undefined);
    } catch (e) {
      setError(e as Error);
    }
  }, [exampleApi, name]);

  useEffect(() => {
    setGreetings(undefined);
    void load();
  }, [load]);

  const greet = async () => {
    setBusy(true);
    try {
      await exampleApi.greet(name);
      await load();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card variant="outlined" component="section" aria-labelledby="example-card-title">
      <CardHeader title="Example" slotProps={{ title: { id: 'example-card-title', component: 'h2', variant: 'h6' } }} />
      <CardContent>
        {error && <Alert severity="error">{error.message}</Alert>}
        {!error && greetings === undefined && <CircularProgress size={24} aria-label="Loading greetings" />}
        {greetings?.length === 0 && <Typography color="text.secondary">Nobody has greeted {name} yet.</Typography>}
        {greetings && greetings.length > 0 && (
          <List dense aria-label={`Greetings for ${name}`}>
            {greetings.slice(0, 5).map(greeting => (
              <ListItem key={greeting.id}>
                <ListItemText primary={greeting.message} />
              </ListItem>
            ))}
          </List>
        )}
      </CardContent>
      <CardActions>
        <Button onClick={greet} disabled={busy}>
          Greet {name}
        </Button>
      </CardActions>
    </Card>
  );
}

export default ExampleEntityCard;
