import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import {
  Alert,
  Box,
  Button,
  MenuItem,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from '@mui/material';
import { discoveryApiRef, fetchApiRef, useApi } from '@portico/frontend-plugin-api';
import { PersonalTokensClient, type PersonalAccessToken } from './PersonalTokensClient';

const EXPIRY_CHOICES = [
  { days: 7, label: '7 days' },
  { days: 30, label: '30 days' },
  { days: 90, label: '90 days' },
  { days: 365, label: '1 year' },
];
const DAY_MS = 24 * 60 * 60 * 1000;

function formatDate(value: string | undefined, none: string): string {
  if (!value) return none;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toLocaleString();
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * `/settings/tokens`: the signed-in user's personal access tokens, for scripts and CI
 * (`Authorization: Bearer <token>`). A new token's secret is shown once; revoking ends it at once.
 */
export function PersonalTokensPage() {
  const discoveryApi = useApi(discoveryApiRef);
  const fetchApi = useApi(fetchApiRef);
  const client = useMemo(() => new PersonalTokensClient({ discoveryApi, fetchApi }), [discoveryApi, fetchApi]);
  const [tokens, setTokens] = useState<PersonalAccessToken[]>();
  const [error, setError] = useState<string>();
  const [name, setName] = useState('');
  const [days, setDays] = useState(30);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<{ name: string; token: string }>();

  const load = useCallback(async () => {
    try {
      setTokens(await client.list());
    } catch (e) {
      setError(`Could not load your tokens: ${errorMessage(e)}`);
    }
  }, [client]);
  useEffect(() => {
    void load();
  }, [load]);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) return;
    setBusy(true);
    setError(undefined);
    try {
      const expiresAt = new Date(Date.now() + days * DAY_MS).toISOString();
      const answer = await client.create({ name: name.trim(), expiresAt });
      setCreated({ name: answer.name ?? name.trim(), token: answer.token });
      setName('');
      await load();
    } catch (e) {
      setError(`Could not create the token: ${errorMessage(e)}`);
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (token: PersonalAccessToken) => {
    setError(undefined);
    try {
      await client.revoke(token.id);
      await load();
    } catch (e) {
      setError(`Could not revoke ${token.name}: ${errorMessage(e)}`);
    }
  };

  return (
    <Box sx={{ p: 3, maxWidth: 960 }}>
      <Typography variant="h4" component="h1" gutterBottom>
        Personal access tokens
      </Typography>
      <Typography color="text.secondary" sx={{ mb: 3 }}>
        A token acts as you from scripts and CI: send it as <code>Authorization: Bearer &lt;token&gt;</code>. It has your
        permissions, so keep it secret and give it an expiry.
      </Typography>
      {error && (
        <Alert severity="error" sx={{ mb: 2 }}>
          {error}
        </Alert>
      )}
      {created && (
        <Alert severity="success" sx={{ mb: 2 }} onClose={() => setCreated(undefined)}>
          <Typography gutterBottom>
            Token <strong>{created.name}</strong> created. Copy it now: it will not be shown again.
          </Typography>
          <Stack direction="row" spacing={1}>
            <TextField
              label="New token"
              value={created.token}
              size="small"
              fullWidth
              slotProps={{ htmlInput: { readOnly: true, spellCheck: false } }}
              onFocus={event => event.target.select()}
            />
            <Button variant="outlined" onClick={() => void navigator.clipboard?.writeText(created.token)}>
              Copy
            </Button>
          </Stack>
        </Alert>
      )}
      <Box component="form" onSubmit={create} aria-label="Create a token" sx={{ mb: 4 }}>
        <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2} sx={{ alignItems: { sm: 'flex-start' } }}>
          <TextField label="Token name" value={name} onChange={event => setName(event.target.value)} required size="small" />
          <TextField
            select
            label="Expires in"
            value={days}
            onChange={event => setDays(Number(event.target.value))}
            size="small"
            sx={{ minWidth: 140 }}
          >
            {EXPIRY_CHOICES.map(choice => (
              <MenuItem key={choice.days} value={choice.days}>
                {choice.label}
              </MenuItem>
            ))}
          </TextField>
          <Button type="submit" variant="contained" disabled={busy || !name.trim()}>
            Create token
          </Button>
        </Stack>
      </Box>
      <Typography variant="h6" component="h2" gutterBottom>
        Your tokens
      </Typography>
      {tokens && tokens.length === 0 && <Typography color="text.secondary">You have no personal access tokens.</Typography>}
      {tokens && tokens.length > 0 && (
        <Table size="small" aria-label="Your tokens">
          <TableHead>
            <TableRow>
              <TableCell>Name</TableCell>
              <TableCell>Created</TableCell>
              <TableCell>Expires</TableCell>
              <TableCell>Last used</TableCell>
              <TableCell />
            </TableRow>
          </TableHead>
          <TableBody>
            {tokens.map(token => (
              <TableRow key={token.id}>
                <TableCell>{token.name}</TableCell>
                <TableCell>{formatDate(token.createdAt, '—')}</TableCell>
                <TableCell>{formatDate(token.expiresAt, 'never')}</TableCell>
                <TableCell>{formatDate(token.lastUsedAt, 'never')}</TableCell>
                <TableCell align="right">
                  <Button color="error" size="small" onClick={() => void revoke(token)} aria-label={`Revoke ${token.name}`}>
                    Revoke
                  </Button>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Box>
  );
}

export default PersonalTokensPage;
