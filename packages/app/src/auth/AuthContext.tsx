import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import type { AuthApis } from './createAuthApis';
import type { SessionState } from './AuthSession';

const AuthContext = createContext<AuthApis | undefined>(undefined);

/** Makes the app's session and auth client available to the shell's sign-in page, banner and user menu. */
export function AuthProvider(props: { auth: AuthApis; children?: ReactNode }) {
  return <AuthContext.Provider value={props.auth}>{props.children}</AuthContext.Provider>;
}

export function useAuth(): AuthApis {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth called outside an <AuthProvider>');
  return auth;
}

/** The session's state, re-rendering when it changes. */
export function useSessionState(): SessionState {
  const { session } = useAuth();
  return useSyncExternalStore(session.subscribe, session.getState);
}

/** A `redirect` parameter the app may follow: a path of this app, never another origin. */
export function safeRedirect(value: string | null | undefined): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  if (value === '/sign-in' || value.startsWith('/sign-in?')) return '/';
  return value;
}
