import { createApiRef } from '../system/ApiRef';

/** Who the signed-in user is, as the backend's tokens say. */
export interface PorticoUserIdentity {
  /** The user's catalog entity ref, e.g. `user:default/jane`. */
  userEntityRef: string;
  /** The refs the user acts as an owner for: the user itself and every group they belong to, transitively. */
  ownershipEntityRefs: string[];
}

/** What the catalog's User entity says about the signed-in user; every field is optional. */
export interface ProfileInfo {
  displayName?: string;
  email?: string;
  /** A URL of the user's picture. */
  picture?: string;
}

/**
 * The signed-in user. The app signs in before it renders any plugin page, so these answer for the
 * current session; `signOut` ends it (the app then shows its sign-in page).
 */
export interface IdentityApi {
  getIdentity(): Promise<PorticoUserIdentity>;
  getProfileInfo(): Promise<ProfileInfo>;
  /**
   * A bearer token for callers that cannot use the session cookie (the app's fetchApi needs none:
   * the browser sends the cookie). `token` is absent when the session lives only in the cookie.
   */
  getCredentials(): Promise<{ token?: string }>;
  signOut(): Promise<void>;
}

export const identityApiRef = createApiRef<IdentityApi>({ id: 'core.identity' });

/** The ref of the guest user that `auth.allowGuest` signs in (local use only). */
export const GUEST_USER_ENTITY_REF = 'user:default/guest';
