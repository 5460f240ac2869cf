import { Suspense, useEffect, type ReactNode } from 'react';
import { lazyComponent } from '@portico/frontend-plugin-api';
import { Navigate, useLocation } from 'react-router';
import { PageProgress } from '../components/PageProgress';
import { useAuth, useSessionState } from './AuthContext';

const SignInPage = lazyComponent(() => import('./SignInPage'));

/**
 * Renders its children (the shell and every plugin page) only once someone is signed in; `/sign-in` and
 * everyone not signed in get the sign-in page, so nothing before it calls a plugin's API.
 */
export function SessionGate(props: { children?: ReactNode }) {
  const { session } = useAuth();
  const state = useSessionState();
  const { pathname, search } = useLocation();
  const onSignInPage = pathname === '/sign-in';
  useEffect(() => {
    // the sign-in page itself never signs in as guest on its own: after a sign-out, it stays put
    if (!onSignInPage) void session.start();
  }, [session, onSignInPage]);

  if (onSignInPage) {
    return (
      <Suspense fallback={<PageProgress label="Loading sign-in" />}>
        <SignInPage />
      </Suspense>
    );
  }
  if (state.status === 'loading') return <PageProgress label="Checking your session" />;
  if (state.status === 'signed-out') {
    const here = `${pathname}${search}`;
    const to = here === '/' || state.reason === 'signed-out' ? '/sign-in' : `/sign-in?redirect=${encodeURIComponent(here)}`;
    return <Navigate to={to} replace />;
  }
  return <>{props.children}</>;
}
