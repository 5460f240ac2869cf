import type { DiscoveryApi } from '@portico/frontend-plugin-api';
import { AuthClient } from './AuthClient';
import { AuthSession } from './AuthSession';
import { BatchingPermissionApi } from './BatchingPermissionApi';
import { createCredentialsFetch, SessionFetchApi } from './SessionFetchApi';

/**
 * The identity half of the app's APIs: the session (also the IdentityApi), the fetchApi that sends
 * credentials and renews the session, and the batching PermissionApi.
 */
export function createAuthApis(options: { discoveryApi: DiscoveryApi; baseFetch?: typeof fetch; origins?: string[] }) {
  const credentialsFetch = createCredentialsFetch({ baseFetch: options.baseFetch, origins: options.origins });
  const client = new AuthClient({ discoveryApi: options.discoveryApi, fetch: credentialsFetch });
  const session = new AuthSession(client);
  const fetchApi = new SessionFetchApi({
    baseFetch: options.baseFetch,
    origins: options.origins,
    refresh: () => client.refresh(),
    onSessionExpired: () => session.expired(),
    isRefreshRequest: url => /\/api\/auth\/refresh$/.test(url.split('?')[0]),
  });
  const permissionApi = new BatchingPermissionApi({ discoveryApi: options.discoveryApi, fetchApi });
  return { client, session, fetchApi, permissionApi };
}

export type AuthApis = ReturnType<typeof createAuthApis>;
