import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { Alert, Box, Button, Stack, TextField, Typography } from '@mui/material';
import { createPluginHttpClient, discoveryApiRef, fetchApiRef, identityApiRef, useApi } from '@portico/frontend-plugin-api';

/** A `portico login` waiting for someone to approve it. */
interface PendingLogin {
  userCode: string;
  clientName: string;
  expiresAt: string;
}

type Step =
  | { kind: 'enter' }
  | { kind: 'loading' }
  | { kind: 'confirm'; login: PendingLogin }
  | { kind: 'done'; login: PendingLogin; decision: 'approve' | 'deny' };

function errorMessage(error: unknown): string {
  const body = (error as { body?: { message?: string } }).body;
  return body?.message ?? (error instanceof Error ? error.message : String(error));
}

/**
 * `/device`: where a signed-in person approves a `portico login`. The CLI prints a code and this page's URL (with
 * the code filled in); the page says which CLI will act as whom, and sends Approve or Deny.
 */
export function DevicePage() {
  const discoveryApi = useApi(discoveryApiRef);
  const fetchApi = useApi(fetchApiRef);
  const identityApi = useApi(identityApiRef);
  const http = useMemo(() => createPluginHttpClient({ pluginId: 'auth', discoveryApi, fetchApi }), [discoveryApi, fetchApi]);
  const [params] = useSearchParams();
  const codeInUrl = params.get('user_code') ?? '';
  const [typed, setTyped] = useState(codeInUrl);
  const [step, setStep] = useState<Step>({ kind: 'enter' });
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [you, setYou] = useState<string>();

  useEffect(() => {
    let live = true;
    void Promise.all([identityApi.getIdentity(), identityApi.getProfileInfo()]).then(([identity, profile]) => {
      if (live) setYou(profile.displayName ? `${profile.displayName} (${identity.userEntityRef})` : identity.userEntityRef);
    });
    return () => {
      live = false;
    };
  }, [identityApi]);

  const lookUp = async (code: string) => {
    setError(undefined);
    setStep({ kind: 'loading' });
    try {
      const login = await http.request<PendingLogin>(`/device/${encodeURIComponent(code.trim())}`);
      setStep({ kind: 'confirm', login });
    } catch (e) {
      setError(errorMessage(e));
      setStep({ kind: 'enter' });
    }
  };

  useEffect(() => {
    if (codeInUrl) void lookUp(codeInUrl);
    // Only the code the CLI put in the link is looked up by itself; a typed one waits for Continue.
  }, [codeInUrl]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (typed.trim()) void lookUp(typed);
  };

  const decide = async (login: PendingLogin, decision: 'approve' | 'deny') => {
    setBusy(true);
    setError(undefined);
    try {
      await http.request(`/device/${encodeURIComponent(login.userCode)}/${decision}`, { method: 'POST' });
      setStep({ kind: 'done', login, decision });
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Box sx={{ p: 3, maxWidth: 640 }}>
      <Typography variant="h4" component="h1" gutterBottom>
        Log in the portico CLI
      </Typography>
      {error && (
        <Alert severity="error" sx={{ mb: 2 }}>
          {error}
        </Alert>
      )}
      {(step.kind === 'enter' || step.kind === 'loading') && (
        <Box component="form" onSubmit={submit} aria-label="Enter the code">
          <Typography color="text.secondary" sx={{ mb: 2 }}>
            Enter the code that <code>portico login</code> shows in your terminal.
          </Typography>
          <Stack direction="row" spacing={2} sx={{ alignItems: 'flex-start' }}>
            <TextField
              label="Code"
              value={typed}
              onChange={event => setTyped(event.target.value)}
              placeholder="WDJB-MJHT"
              size="small"
              required
              slotProps={{ htmlInput: { autoCapitalize: 'characters', autoComplete: 'off', spellCheck: false } }}
            />
            <Button type="submit" variant="contained" disabled={step.kind === 'loading' || !typed.trim()}>
              Continue
            </Button>
          </Stack>
        </Box>
      )}
      {step.kind === 'confirm' && (
        <Box>
          <Alert severity="warning" sx={{ mb: 2 }}>
            <Typography>
              The <strong>{step.login.clientName}</strong> will act as <strong>{you ?? 'you'}</strong>, with everything you may do in the
              portal, until its token expires or you revoke it under Personal access tokens.
            </Typography>
          </Alert>
          <Typography sx={{ mb: 2 }}>
            Approve only if you started <code>portico login</code> yourself and it shows the code <strong>{step.login.userCode}</strong>.
          </Typography>
          <Stack direction="row" spacing={2}>
            <Button variant="contained" disabled={busy} onClick={() => void decide(step.login, 'approve')}>
              Approve
            </Button>
            <Button color="error" variant="outlined" disabled={busy} onClick={() => void decide(step.login, 'deny')}>
              Deny
            </Button>
          </Stack>
        </Box>
      )}
      {step.kind === 'done' && (
        <Alert severity={step.decision === 'approve' ? 'success' : 'info'} role="status">
          {step.decision === 'approve'
            ? `Done: the ${step.login.clientName} is logged in as you. You can close this page and go back to the terminal.`
            : `Denied: the ${step.login.clientName} was not logged in.`}
        </Alert>
      )}
    </Box>
  );
}

export default DevicePage;
