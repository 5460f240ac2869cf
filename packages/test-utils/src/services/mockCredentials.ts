import type { Credentials, NonePrincipal, Principal, ServicePrincipal, UserPrincipal } from '@portico/backend-plugin-api';
import { createCredentials, GUEST_USER_REF } from '@portico/backend';

/** Mock tokens carry their principal in clear: only the mock auth of test backends accepts them. */
const MOCK_TOKEN_PREFIX = 'mock-token.';

/** Credentials of a test, plus the bearer token that makes a request to a mock-auth test backend act as them. */
export type MockCredentials<T extends Principal = Principal> = Credentials<T> & {
  /** The bearer token. */
  token: string;
  /** `Bearer <token>`: `request(server).get(path).set('authorization', creds.header())`. */
  header(): string;
};

export function mockToken(principal: Principal): string {
  return MOCK_TOKEN_PREFIX + Buffer.from(JSON.stringify(principal)).toString('base64url');
}

/** The principal of a mock token, or undefined for anything else. */
export function decodeMockToken(token: string): Principal | undefined {
  if (!token.startsWith(MOCK_TOKEN_PREFIX)) return undefined;
  try {
    const principal = JSON.parse(Buffer.from(token.slice(MOCK_TOKEN_PREFIX.length), 'base64url').toString('utf8')) as Principal;
    return principal && ['user', 'service', 'none'].includes(principal.type) ? principal : undefined;
  } catch {
    return undefined;
  }
}

function withToken<T extends Principal>(principal: T): MockCredentials<T> {
  const token = mockToken(principal);
  return Object.assign(createCredentials(principal), { token, header: () => `Bearer ${token}` });
}

/**
 * Credentials to act as someone in a test backend with mock auth (the default of `startTestBackend`):
 * `mockCredentials.user('user:default/ada', ['group:default/team-a']).header()`.
 */
export const mockCredentials = {
  /** A user (default the guest user, which is also who a request without a token is); ownership defaults to the user alone. */
  user: (userEntityRef: string = GUEST_USER_REF, ownershipEntityRefs: string[] = [userEntityRef]): MockCredentials<UserPrincipal> =>
    withToken({ type: 'user', userEntityRef, ownershipEntityRefs }),
  /** A service (default `external:test`), with the access restrictions of an external token if given. */
  service: (subject = 'external:test', accessRestrictions?: ServicePrincipal['accessRestrictions']): MockCredentials<ServicePrincipal> =>
    withToken({ type: 'service', subject, ...(accessRestrictions ? { accessRestrictions } : {}) }),
  /** No credentials: a mock-auth backend sees a caller without a token as the guest, this token as nobody. */
  none: (): MockCredentials<NonePrincipal> => withToken({ type: 'none' }),
};
