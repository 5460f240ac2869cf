import { useEffect, useState } from 'react';
import { Alert, Card, CardContent, CardHeader, CircularProgress, List, ListItem, ListItemText, Typography } from '@mui/material';
import { stringifyEntityRef } from '@portico/catalog-model';
import { useApi } from '@portico/frontend-plugin-api';
import { useEntity } from '@portico/plugin-catalog-react';
import { exampleApiRef, type ExampleThing } from '../api/ExampleApi';

/** A card on the entity overview: the greeting and the example things recorded for this entity. */
export function ExampleEntityCard() {
  const { entity } = useEntity();
  const exampleApi = useApi(exampleApiRef);
  const entityRef = stringifyEntityRef(entity);
  const [state, setState] = useState<{ greeting?: string; things?: ExampleThing[]; error?: Error }>({});

  useEffect(() => {
    let cancelled = false;
    setState({});
    Promise.all([exampleApi.getGreeting(), exampleApi.listThings({ entityRef })])
      .then(([greeting, things]) => !cancelled && setState({ greeting, things }))
      .catch(error => !cancelled && setState({ error }));
    return () => {
      cancelled = true;
    };
  }, [exampleApi, entityRef]);

  return (
    <Card variant="outlined" component="section" aria-labelledby="example-card-title">
      <CardHeader title="Example" slotProps={{ title: { id: 'example-card-title', component: 'h2', variant: 'h6' } }} />
      <CardContent>
        {state.error && <Alert severity="error">{state.error.message}</Alert>}
        {!state.error && state.things === undefined && <CircularProgress size={24} aria-label="Loading example" />}
        {state.greeting && (
          <Typography>
            {state.greeting}, {entity.metadata.title ?? entity.metadata.name}!
          </Typography>
        )}
        {state.things && state.things.length === 0 && (
          <Typography color="text.secondary">No example things for this entity.</Typography>
        )}
        {state.things && state.things.length > 0 && (
          <List dense aria-label="Example things">
            {state.things.map(thing => (
              <ListItem key={thing.id}>
                <ListItemText primary={thing.name} />
              </ListItem>
            ))}
          </List>
        )}
      </CardContent>
    </Card>
  );
}

export default ExampleEntityCard;
