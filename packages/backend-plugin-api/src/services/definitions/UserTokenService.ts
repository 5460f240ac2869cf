/** A personal access token as listed to its owner (the secret is shown once, at creation). */
export interface PersonalAccessTokenInfo {
  id: string;
  name: string;
  createdAt: string;
  expiresAt?: string;
  lastUsedAt?: string;
}

/**
 * Issues the portal's user tokens (signed ES256 JWTs whose keys the host keeps in the database and
 * rotates) and personal access tokens. Used by the auth plugin once a sign-in is resolved to a catalog User;
 * every plugin's `auth.authenticate` accepts what it issues.
 */
export interface UserTokenService {
  issueUserToken(options: {
    userEntityRef: string;
    ownershipEntityRefs: string[];
    /** Default `auth.session.accessTokenDuration` (PT15M). */
    expiresInSeconds?: number;
  }): Promise<{ token: string; expiresAt: Date }>;
  createPersonalAccessToken(options: {
    userEntityRef: string;
    ownershipEntityRefs: string[];
    name: string;
    expiresAt?: Date;
  }): Promise<{ id: string; token: string; expiresAt?: Date }>;
  listPersonalAccessTokens(userEntityRef: string): Promise<PersonalAccessTokenInfo[]>;
  /** False when the user has no such token. */
  revokePersonalAccessToken(options: { userEntityRef: string; id: string }): Promise<boolean>;
  /** Refreshes the ownership refs stored with the user's personal access tokens (the auth plugin calls it at sign-in). */
  updateOwnership(userEntityRef: string, ownershipEntityRefs: string[]): Promise<void>;
  /** The public keys of current and recent signing keys. */
  getJwks(): Promise<{ keys: Array<Record<string, unknown>> }>;
}
