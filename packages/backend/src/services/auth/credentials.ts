import type { Credentials, Principal, UserPrincipal } from '@portico/backend-plugin-api';

/** The user the auth plugin signs a browser in as when `auth.allowGuest` is on; the default of test backends. */
export const GUEST_USER_REF = 'user:default/guest';

export function createCredentials<T extends Principal>(principal: T, expiresAt?: Date): Credentials<T> {
  return { $$type: '@portico/Credentials', principal, ...(expiresAt ? { expiresAt } : {}) };
}

export function guestCredentials(): Credentials<UserPrincipal> {
  return createCredentials({ type: 'user', userEntityRef: GUEST_USER_REF, ownershipEntityRefs: [GUEST_USER_REF] });
}
