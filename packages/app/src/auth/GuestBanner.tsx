import { Alert } from '@mui/material';
import { GUEST_USER_ENTITY_REF } from '@portico/frontend-plugin-api';
import { useSessionState } from './AuthContext';

/** A visible notice while the browser is signed in as the guest user (`auth.allowGuest`, local use only). */
export function GuestBanner() {
  const state = useSessionState();
  if (state.status !== 'signed-in' || state.session.userEntityRef !== GUEST_USER_ENTITY_REF) return null;
  return (
    <Alert severity="warning" role="status" aria-label="Guest mode" sx={{ borderRadius: 0 }}>
      <strong>Guest mode</strong>: you are signed in as {GUEST_USER_ENTITY_REF}. Anyone who reaches this portal can do
      the same; configure a sign-in provider before sharing it.
    </Alert>
  );
}
