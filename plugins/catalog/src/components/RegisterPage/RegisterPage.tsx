import {
  Alert,
  AlertTitle,
  Box,
  Button,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from '@mui/material';
import { stringifyEntityRef, type Entity } from '@portico/catalog-model';
import { useApi } from '@portico/frontend-plugin-api';
import { useState, type FormEvent } from 'react';
import { catalogApiRef } from '@portico/plugin-catalog-react';
import { EntityRefLink } from '../shared/EntityRefLink';
import { PermissionButton, Progress } from '@portico/core-components';
import { catalogLocationCreatePermission, type LocationReadError } from '@portico/plugin-catalog-common';
import { SourceErrorsTable } from '../shared/SourceErrorsTable';

type Step =
  | { name: 'input' }
  | { name: 'analysing' }
  | { name: 'preview'; entities: Entity[]; exists: boolean; errors: LocationReadError[] }
  | { name: 'registering'; entities: Entity[]; exists: boolean; errors: LocationReadError[] }
  | { name: 'done'; entities: Entity[] };

/** Why REGISTER is not offered for a previewed location, or undefined when it is. */
function cannotRegister(step: { entities: Entity[]; exists: boolean; errors: LocationReadError[] }): string | undefined {
  if (step.exists) return 'This location is already registered.';
  if (step.entities.length === 0) {
    const problems = step.errors.length === 1 ? '1 problem' : `${step.errors.length} problems`;
    return step.errors.length
      ? `Nothing to register: the location yields no entities (${problems} below). Fix the file and analyze it again.`
      : 'Nothing to register: the location holds no entities.';
  }
  return undefined;
}

/** A URL (`https:`, `file:`) registers as a `url` location; anything else is a file path for the backend to resolve. */
export function toLocationSpec(input: string): { type: 'url' | 'file'; target: string } {
  const target = input.trim();
  return /^(https?|file):/i.test(target) ? { type: 'url', target } : { type: 'file', target };
}

function EntitiesTable({ entities, label, linked }: { entities: Entity[]; label: string; linked: boolean }) {
  return (
    <Table size="small" aria-label={label}>
      <TableHead>
        <TableRow>
          <TableCell>Kind</TableCell>
          <TableCell>Name</TableCell>
          <TableCell>Namespace</TableCell>
          <TableCell>Description</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {entities.map(entity => (
          <TableRow key={stringifyEntityRef(entity)}>
            <TableCell>{entity.kind}</TableCell>
            <TableCell>{linked ? <EntityRefLink entityRef={entity} /> : entity.metadata.name}</TableCell>
            <TableCell>{entity.metadata.namespace ?? 'default'}</TableCell>
            <TableCell>{entity.metadata.description}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** `/catalog-import`: paste a location, preview what it would add (a dry run), then register it. */
export function RegisterPage() {
  const catalogApi = useApi(catalogApiRef);
  const [url, setUrl] = useState('');
  const [step, setStep] = useState<Step>({ name: 'input' });
  const [error, setError] = useState<Error>();

  const fail = (e: unknown, back: Step) => {
    setError(e instanceof Error ? e : new Error(String(e)));
    setStep(back);
  };

  const analyse = async (event: FormEvent) => {
    event.preventDefault();
    if (!url.trim()) return;
    setError(undefined);
    setStep({ name: 'analysing' });
    try {
      const res = await catalogApi.addLocation({ ...toLocationSpec(url), dryRun: true });
      setStep({ name: 'preview', entities: res.entities, exists: Boolean(res.exists), errors: res.errors ?? [] });
    } catch (e) {
      fail(e, { name: 'input' });
    }
  };

  const register = async () => {
    if (step.name !== 'preview' || cannotRegister(step)) return;
    setError(undefined);
    setStep({ ...step, name: 'registering' });
    try {
      const res = await catalogApi.addLocation(toLocationSpec(url));
      setStep({ name: 'done', entities: res.entities.length ? res.entities : step.entities });
    } catch (e) {
      fail(e, step);
    }
  };

  const reset = () => {
    setStep({ name: 'input' });
    setUrl('');
    setError(undefined);
  };

  const editing = step.name === 'input' || step.name === 'analysing';
  return (
    <Box sx={{ p: 3, maxWidth: 960 }}>
      <Typography variant="h4" component="h1" gutterBottom>
        Register an existing component
      </Typography>
      <Typography sx={{ mb: 2 }} color="text.secondary">
        Paste the URL (or a file path on the portal's server) of a <code>catalog-info.yaml</code>. You will see what it adds before
        anything is registered.
      </Typography>
      <Box component="form" onSubmit={analyse} aria-label="Location" sx={{ display: 'flex', gap: 2, mb: 3 }}>
        <TextField
          label="Location URL"
          placeholder="https://github.com/org/repo/blob/main/catalog-info.yaml"
          value={url}
          onChange={e => setUrl(e.target.value)}
          disabled={!editing}
          fullWidth
          required
        />
        <PermissionButton
          permission={catalogLocationCreatePermission}
          type="submit"
          variant="contained"
          disabled={!editing || !url.trim() || step.name === 'analysing'}
        >
          Analyze
        </PermissionButton>
      </Box>
      {error ? (
        <Alert severity="error" sx={{ mb: 2 }}>
          <AlertTitle>{step.name === 'preview' ? 'Registration failed' : 'Could not read this location'}</AlertTitle>
          {error.message}
        </Alert>
      ) : null}
      {step.name === 'analysing' ? <Progress label="Analysing the location" /> : null}
      {step.name === 'preview' || step.name === 'registering' ? (
        <Stack spacing={2} component="section" aria-label="Preview">
          <Typography variant="h6" component="h2">
            {step.entities.length === 1
              ? 'This location would add 1 entity'
              : `This location would add ${step.entities.length} entities`}
          </Typography>
          {step.exists ? (
            <Alert severity="info">This location is already registered; the catalog reads it again on its own.</Alert>
          ) : null}
          {step.entities.length ? <EntitiesTable entities={step.entities} label="Entities to add" linked={false} /> : null}
          {step.errors.length ? (
            <Alert severity={step.entities.length ? 'warning' : 'error'}>
              <AlertTitle>
                {step.errors.length === 1 ? '1 problem in this location' : `${step.errors.length} problems in this location`}
              </AlertTitle>
              {step.entities.length
                ? 'The entities with problems would not be added until their source is fixed.'
                : 'No entity in it is valid.'}
            </Alert>
          ) : null}
          {step.errors.length ? <SourceErrorsTable errors={step.errors} label="Problems found" linkEntities={false} /> : null}
          {cannotRegister(step) && !step.exists ? <Alert severity="warning">{cannotRegister(step)}</Alert> : null}
          <Stack direction="row" spacing={2}>
            <PermissionButton
              permission={catalogLocationCreatePermission}
              variant="contained"
              onClick={register}
              disabled={step.name === 'registering' || Boolean(cannotRegister(step))}
              title={cannotRegister(step)}
            >
              Register
            </PermissionButton>
            <Button onClick={reset} disabled={step.name === 'registering'}>
              Cancel
            </Button>
          </Stack>
        </Stack>
      ) : null}
      {step.name === 'done' ? (
        <Stack spacing={2} component="section" aria-label="Result">
          <Alert severity="success">
            <AlertTitle>Location registered</AlertTitle>
            {step.entities.length === 1 ? '1 entity was added' : `${step.entities.length} entities were added`} to the
            catalog.
          </Alert>
          <EntitiesTable entities={step.entities} label="Registered entities" linked />
          <Box>
            <Button onClick={reset}>Register another</Button>
          </Box>
        </Stack>
      ) : null}
    </Box>
  );
}

export default RegisterPage;
