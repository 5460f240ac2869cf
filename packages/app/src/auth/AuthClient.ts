import { ResponseError } from '@portico/errors';
import type { DiscoveryApi, PorticoUserIdentity, ProfileInfo } from '@portico/frontend-plugin-api';

/** A sign-in provider the backend offers (`GET /api/auth/providers`). */
export interface AuthProviderInfo {
  id: string;
  title: string;
}

/** `GET /api/auth/me`: the signed-in user. */
export interface SessionInfo extends PorticoUserIdentity {
  profile: ProfileInfo;
  /** When the access token expires (ISO time), if the backend says. */
  expiresAt?: string;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

/** Reads `/me` into the identity the app uses; a body without a user ref is a bad answer. */
export function parseSessionInfo(body: unknown): SessionInfo {
  const record = asRecord(body);
  const userEntityRef = asString(record.userEntityRef);
  if (!userEntityRef) throw new Error('GET /api/auth/me answered without a userEntityRef');
  const ownership = Array.isArray(record.ownershipEntityRefs) ? record.ownershipEntityRefs.filter((ref): ref is string => typeof ref === 'string') : [];
  const profile = asRecord(record.profile);
  return {
    userEntityRef,
    ownershipEntityRefs: ownership.length ? ownership : [userEntityRef],
    profile: {
      displayName: asString(profile.displayName),
      email: asString(profile.email),
      picture: asString(profile.picture),
    },
    expiresAt: asString(record.expiresAt),
  };
}

/**
 * The app's calls to the auth backend plugin (`/api/auth`). `fetch` sends the session cookie and the
 * CSRF header but never refreshes (it is the refresh).
 */
export class AuthClient {
  constructor(private readonly options: { discoveryApi: DiscoveryApi; fetch: typeof fetch }) {}

  async getProviders(): Promise<AuthProviderInfo[]> {
    const body = await this.json<unknown>('/providers');
    const list = Array.isArray(body) ? body : asRecord(body).providers;
    if (!Array.isArray(list)) throw new Error('GET /api/auth/providers answered without a list of providers');
    return list
      .map(asRecord)
      .filter(p => typeof p.id === 'string')
      .map(p => ({ id: p.id as string, title: asString(p.title) ?? (p.id as string) }));
  }

  /** The current session, or undefined when the backend answers 401 (nobody is signed in). */
  async getSession(): Promise<SessionInfo | undefined> {
    const response = await this.send('/me');
    if (response.status === 401) return undefined;
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return parseSessionInfo(await response.json());
  }

  async signInAsGuest(): Promise<void> {
    await this.json('/guest/sign-in', { method: 'POST' });
  }

  /** Renews the session cookie; false when the refresh cookie is missing, expired or revoked. */
  async refresh(): Promise<boolean> {
    const response = await this.send('/refresh', { method: 'POST' });
    return response.ok;
  }

  async signOut(): Promise<void> {
    await this.json('/sign-out', { method: 'POST' });
  }

  /** Where the browser goes to sign in with `providerId`, coming back to `redirect` (a path of the app). */
  async getStartUrl(providerId: string, redirect: string): Promise<string> {
    const base = await this.options.discoveryApi.getBaseUrl('auth');
    return `${base}/${encodeURIComponent(providerId)}/start?redirect=${encodeURIComponent(redirect)}`;
  }

  private async send(path: string, init: { method?: string; body?: unknown } = {}): Promise<Response> {
    const base = await this.options.discoveryApi.getBaseUrl('auth');
    return this.options.fetch(`${base}${path}`, {
      method: init.method ?? 'GET',
      headers: init.body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  }

  private async json<T>(path: string, init?: { method?: string; body?: unknown }): Promise<T> {
    const response = await this.send(path, init);
    if (!response.ok) throw await ResponseError.fromResponse(response);
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }
}
