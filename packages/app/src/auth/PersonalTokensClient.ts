import { createPluginHttpClient, type DiscoveryApi, type FetchApi, type PluginHttpClient } from '@portico/frontend-plugin-api';

/** A personal access token as listed to its owner (never its secret). */
export interface PersonalAccessToken {
  id: string;
  name: string;
  createdAt?: string;
  expiresAt?: string;
  lastUsedAt?: string;
}

/** The signed-in user's personal access tokens at `/api/auth/tokens`. */
export class PersonalTokensClient {
  private readonly http: PluginHttpClient;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.http = createPluginHttpClient({ pluginId: 'auth', ...options });
  }

  async list(): Promise<PersonalAccessToken[]> {
    const body = await this.http.request<PersonalAccessToken[] | { items?: PersonalAccessToken[] }>('/tokens');
    return Array.isArray(body) ? body : (body?.items ?? []);
  }

  /** Creates a token; its secret (`token`) is in this answer only, never again. */
  create(options: { name: string; expiresAt?: string }): Promise<PersonalAccessToken & { token: string }> {
    return this.http.request('/tokens', { method: 'POST', body: options });
  }

  async revoke(id: string): Promise<void> {
    await this.http.request(`/tokens/${encodeURIComponent(id)}`, { method: 'DELETE' });
  }
}
