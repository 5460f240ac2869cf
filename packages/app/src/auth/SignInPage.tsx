import { useEffect, useState } from 'react';
import { Alert, AlertTitle, Box, Button, CircularProgress, Paper, Stack, Typography } from '@mui/material';
import LoginIcon from '@mui/icons-material/Login';
import { configApiRef, useApi } from '@portico/frontend-plugin-api';
import { useNavigate, useSearchParams } from 'react-router';
import type { AuthProviderInfo } from './AuthClient';
import { safeRedirect, useAuth, useSessionState } from './AuthContext';

type ProvidersState =
  | { loading: true }
  | { loading: false; providers: Array<AuthProviderInfo & { startUrl: string }> }
  | { loading: false; error: Error };

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * `/sign-in`: the configured providers (`GET /api/auth/providers`). OpenID Connect and GitHub go to the
 * backend's `/api/auth/<id>/start`, which comes back to `?redirect=`; guest signs in here. A failed sign-in
 * comes back with `?error=`, shown above the buttons.
 */
export function SignInPage() {
  const { client, session } = useAuth();
  const state = useSessionState();
  const title = useApi(configApiRef).getOptionalString('app.title') ?? 'Portico';
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const redirect = safeRedirect(params.get('redirect'));
  const signInError = params.get('error');
  const [providersState, setProvidersState] = useState<ProvidersState>({ loading: true });
  const [guestState, setGuestState] = useState<{ busy: boolean; error?: string }>({ busy: false });

  useEffect(() => {
    let current = true;
    client
      .getProviders()
      .then(providers => Promise.all(providers.map(async p => ({ ...p, startUrl: await client.getStartUrl(p.id, redirect) }))))
      .then(
        providers => current && setProvidersState({ loading: false, providers }),
        (error: unknown) => current && setProvidersState({ loading: false, error: new Error(errorMessage(error)) }),
      );
    return () => {
      current = false;
    };
  }, [client, redirect]);

  const signInAsGuest = async () => {
    setGuestState({ busy: true });
    try {
      await session.signInAsGuest();
      void navigate(redirect, { replace: true });
    } catch (error) {
      setGuestState({ busy: false, error: errorMessage(error) });
    }
  };

  const sessionError = state.status === 'signed-out' ? state.error : undefined;
  return (
    <Box component="main" sx={{ minHeight: '100vh', display: 'grid', placeItems: 'center', p: 2, bgcolor: 'background.default' }}>
      <Paper variant="outlined" sx={{ p: 4, width: '100%', maxWidth: 420 }}>
        <Typography variant="h4" component="h1" gutterBottom>
          Sign in to {title}
        </Typography>
        <Stack spacing={2}>
          {state.status === 'signed-out' && state.reason === 'expired' && (
            <Alert severity="info">Your session ended. Sign in again to go on.</Alert>
          )}
          {state.status === 'signed-out' && state.reason === 'signed-out' && <Alert severity="success">You are signed out.</Alert>}
          {signInError && (
            <Alert severity="error">
              <AlertTitle>Sign-in failed</AlertTitle>
              {signInError}
            </Alert>
          )}
          {sessionError && <Alert severity="error">Could not check your session: {sessionError.message}</Alert>}
          {guestState.error && <Alert severity="error">Guest sign-in failed: {guestState.error}</Alert>}
          {providersState.loading && <CircularProgress aria-label="Loading sign-in providers" sx={{ alignSelf: 'center' }} />}
          {!providersState.loading && 'error' in providersState && (
            <Alert severity="error">Could not load the sign-in providers: {providersState.error.message}</Alert>
          )}
          {!providersState.loading && 'providers' in providersState && providersState.providers.length === 0 && (
            <Alert severity="warning">
              No sign-in provider is configured. Configure <code>auth.providers</code> (or <code>auth.allowGuest</code> for
              local use) in app-config.
            </Alert>
          )}
          {!providersState.loading &&
            'providers' in providersState &&
            providersState.providers.map(provider =>
              provider.id === 'guest' ? (
                <Button key={provider.id} variant="outlined" size="large" disabled={guestState.busy} onClick={() => void signInAsGuest()}>
                  Continue as guest
                </Button>
              ) : (
                <Button key={provider.id} variant="contained" size="large" startIcon={<LoginIcon />} href={provider.startUrl}>
                  Sign in with {provider.title}
                </Button>
              ),
            )}
        </Stack>
      </Paper>
    </Box>
  );
}

export default SignInPage;
