import { useState, type FormEvent } from 'react';
import { Alert, Box, Button, Chip, Link, Stack, Table, TableBody, TableCell, TableHead, TableRow, TextField, Typography } from '@mui/material';
import { EmptyState, PermissionButton, Progress, SafeLink, useAsync } from '@portico/core-components';
import { useApi } from '@portico/frontend-plugin-api';
import { entityRoute, humanizeEntityRef } from '@portico/plugin-catalog-react';
import { pagerdutyMappingUpdatePermission, type PagerDutyServiceListItem } from '@portico/plugin-pagerduty-common';
import { Link as RouterLink } from 'react-router';
import { pagerdutyApiRef } from '../api/PagerDutyApi';
import { messageOf, PagerDutyErrorPanel } from './PagerDutyErrorPanel';

/** mapped (by annotation or a saved choice), suggested (a component of the same name exists) or unmapped. */
export function mappingStateOf(item: PagerDutyServiceListItem): 'mapped' | 'suggested' | 'unmapped' {
  if (item.mapping) return 'mapped';
  return item.suggestion ? 'suggested' : 'unmapped';
}

const stateChip = { mapped: { label: 'Mapped', color: 'success' }, suggested: { label: 'Suggested', color: 'info' }, unmapped: { label: 'Unmapped', color: 'warning' } } as const;

/** The account's PagerDuty services and the entity each belongs to; whoever may, maps and unmaps them. */
export function ServicesPage() {
  const pagerdutyApi = useApi(pagerdutyApiRef);
  const [accountInput, setAccountInput] = useState('');
  const [account, setAccount] = useState<string>();
  const { value: list, error, loading, retry } = useAsync(() => pagerdutyApi.listServices({ account }), [pagerdutyApi, account]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAccount(accountInput.trim() || undefined);
  };

  return (
    <Box component="main" sx={{ p: 3 }}>
      <Typography component="h1" variant="h4" gutterBottom>
        PagerDuty services
      </Typography>
      <Typography color="text.secondary" sx={{ mb: 2 }}>
        Which entity each PagerDuty service belongs to. An annotation (<code>pagerduty.com/service-id</code>) always wins; for the others, save a choice here: within seconds the entity carries the annotation, with its On call card and Incidents tab.
      </Typography>
      <Box component="form" onSubmit={submit} aria-label="Choose the account" sx={{ mb: 2 }}>
        <Stack direction="row" spacing={2}>
          <TextField size="small" label="Account" value={accountInput} onChange={e => setAccountInput(e.target.value)} helperText="integrations.pagerduty id; blank for the default account" />
          <Box>
            <Button type="submit" variant="outlined">
              Show
            </Button>
          </Box>
        </Stack>
      </Box>
      {error && <PagerDutyErrorPanel error={error} onRetry={retry} />}
      {loading && !list && <Progress label="Loading services" />}
      {!error && list && list.items.length === 0 && <EmptyState title={`Account '${list.account}' has no services`} />}
      {!error && list && list.items.length > 0 && (
        <Table size="small" aria-label={`Services of PagerDuty account ${list.account}`}>
          <TableHead>
            <TableRow>
              <TableCell>Service</TableCell>
              <TableCell>State</TableCell>
              <TableCell>Entity</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {list.items.map(item => (
              <ServiceRow key={item.id} account={list.account} item={item} onChanged={retry} />
            ))}
          </TableBody>
        </Table>
      )}
    </Box>
  );
}

function ServiceRow({ account, item, onChanged }: { account: string; item: PagerDutyServiceListItem; onChanged: () => void }) {
  const pagerdutyApi = useApi(pagerdutyApiRef);
  const [entityRef, setEntityRef] = useState(item.suggestion ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const state = mappingStateOf(item);

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(undefined);
    try {
      await action();
      onChanged();
    } catch (e) {
      setError(e instanceof Error ? messageOf(e) : String(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <TableRow>
      <TableCell>
        <SafeLink url={item.htmlUrl} external>
          {item.name}
        </SafeLink>
      </TableCell>
      <TableCell>
        <Chip size="small" label={stateChip[state].label} color={stateChip[state].color} />
      </TableCell>
      <TableCell>
        {item.mapping ? (
          <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
            <EntityLink entityRef={item.mapping.entityRef} />
            <Typography variant="body2" color="text.secondary">
              {item.mapping.via === 'annotation' ? 'by annotation' : `saved${item.mapping.mappedBy ? ` by ${humanizeEntityRef(item.mapping.mappedBy)}` : ''}`}
            </Typography>
            {item.mapping.via === 'saved' && (
              <PermissionButton size="small" permission={pagerdutyMappingUpdatePermission} disabled={busy} onClick={() => run(() => pagerdutyApi.unmapService({ account, serviceId: item.id }))} aria-label={`Unmap ${item.name}`}>
                Unmap
              </PermissionButton>
            )}
          </Stack>
        ) : (
          <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
            <TextField size="small" label={`Entity for ${item.name}`} placeholder="component:default/name" value={entityRef} onChange={e => setEntityRef(e.target.value)} />
            <PermissionButton
              size="small"
              variant="outlined"
              permission={pagerdutyMappingUpdatePermission}
              disabled={busy || !entityRef.trim()}
              onClick={() => run(() => pagerdutyApi.mapService({ account, serviceId: item.id, entityRef: entityRef.trim() }))}
              aria-label={`Map ${item.name}`}
            >
              Map
            </PermissionButton>
          </Stack>
        )}
        {error && (
          <Alert severity="error" sx={{ mt: 1 }}>
            {error}
          </Alert>
        )}
      </TableCell>
    </TableRow>
  );
}

function EntityLink({ entityRef }: { entityRef: string }) {
  const to = entityRoute(entityRef);
  const label = humanizeEntityRef(entityRef);
  if (!to) return <span>{label}</span>;
  return (
    <Link component={RouterLink} to={to}>
      {label}
    </Link>
  );
}

export default ServicesPage;
