import type { IdentityApi, PorticoUserIdentity, ProfileInfo } from '@portico/frontend-plugin-api';
import type { AuthClient, SessionInfo } from './AuthClient';

/** Where the browser's session stands: being checked, signed in, or not (with why). */
export type SessionState =
  | { status: 'loading' }
  | { status: 'signed-in'; session: SessionInfo }
  | { status: 'signed-out'; reason: 'none' | 'expired' | 'signed-out'; error?: Error };

/**
 * The browser's session, one per app: `start()` finds out whether the cookie holds one (signing in as guest
 * when guest is the only provider), the sign-in page and the user menu change it, and the app renders from
 * its state. It is also the app's IdentityApi.
 */
export class AuthSession implements IdentityApi {
  private state: SessionState = { status: 'loading' };
  private readonly listeners = new Set<() => void>();
  private started?: Promise<void>;

  constructor(private readonly client: AuthClient) {}

  getState = (): SessionState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Checks the session once (later calls share the first). */
  start(): Promise<void> {
    this.started ??= this.check();
    return this.started;
  }

  async signInAsGuest(): Promise<void> {
    await this.client.signInAsGuest();
    await this.reload();
  }

  /** Reads `/me` again (after a sign-in). */
  async reload(): Promise<void> {
    const session = await this.client.getSession();
    this.set(session ? { status: 'signed-in', session } : { status: 'signed-out', reason: 'none' });
  }

  /** The backend refused the session and a refresh did not help. */
  expired(): void {
    if (this.state.status === 'signed-in') this.set({ status: 'signed-out', reason: 'expired' });
  }

  async getIdentity(): Promise<PorticoUserIdentity> {
    const { userEntityRef, ownershipEntityRefs } = await this.signedIn();
    return { userEntityRef, ownershipEntityRefs };
  }

  async getProfileInfo(): Promise<ProfileInfo> {
    return (await this.signedIn()).profile;
  }

  async getCredentials(): Promise<{ token?: string }> {
    // the session lives in an HttpOnly cookie that scripts cannot read: the browser sends it
    return {};
  }

  async signOut(): Promise<void> {
    try {
      await this.client.signOut();
    } finally {
      this.set({ status: 'signed-out', reason: 'signed-out' });
    }
  }

  private async signedIn(): Promise<SessionInfo> {
    await this.start();
    if (this.state.status !== 'signed-in') throw new Error('Nobody is signed in');
    return this.state.session;
  }

  private async check(): Promise<void> {
    try {
      // an access token past its 15 minutes is renewed from the refresh cookie, so a reload keeps the session
      const session = (await this.client.getSession()) ?? ((await this.client.refresh()) ? await this.client.getSession() : undefined);
      if (session) return this.set({ status: 'signed-in', session });
      const providers = await this.client.getProviders();
      // a portal whose only way in is guest opens straight onto the portal (`npm start`)
      if (providers.length === 1 && providers[0].id === 'guest') return await this.signInAsGuest();
      this.set({ status: 'signed-out', reason: 'none' });
    } catch (error) {
      this.set({ status: 'signed-out', reason: 'none', error: error instanceof Error ? error : new Error(String(error)) });
    }
  }

  private set(state: SessionState): void {
    this.state = state;
    for (const listener of [...this.listeners]) listener();
  }
}
