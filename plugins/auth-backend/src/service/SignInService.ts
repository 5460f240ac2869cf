import type { Entity } from '@portico/catalog-model';
import type { LoggerService, UserTokenService } from '@portico/backend-plugin-api';
import { AuthenticationError } from '@portico/errors';
import type { AuthConfig } from '../config';
import type { SessionStore } from '../database/SessionStore';
import type { AuthProvider, SignInProfile } from '../providers/types';
import { resolveUser } from '../resolvers/signInResolvers';
import type { OwnershipResolver } from '../resolvers/OwnershipResolver';
import type { UserCatalog } from '../resolvers/UserCatalog';

/** The guest every browser may sign in as when `auth.allowGuest` is true. */
export const GUEST_USER_REF = 'user:default/guest';

/** A signed-in browser: the access token for the session cookie and the refresh token for its own cookie. */
export interface SignedIn {
  userEntityRef: string;
  ownershipEntityRefs: string[];
  accessToken: { token: string; expiresAt: Date };
  refreshToken: { token: string; expiresAt: Date };
}

/** Profile fields of a catalog User shown by `/me`. */
export interface UserProfile {
  displayName?: string;
  email?: string;
  picture?: string;
}

const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);

/** Sign-in once the provider has vouched for someone: resolve the User, compute ownership, issue tokens. */
export class SignInService {
  constructor(
    private readonly options: {
      config: AuthConfig;
      catalog: UserCatalog;
      ownership: OwnershipResolver;
      userTokens: UserTokenService;
      sessions: SessionStore;
      logger: LoggerService;
    },
  ) {}

  async signInWithProfile(provider: AuthProvider, profile: SignInProfile): Promise<SignedIn> {
    const user = await resolveUser({
      profile,
      resolvers: provider.resolvers,
      catalog: this.options.catalog,
      providerTitle: provider.title,
      allowWithoutUserInCatalog: this.options.config.dangerouslyAllowSignInWithoutUserInCatalog,
    });
    return this.startSession(user, provider.id);
  }

  async signInAsGuest(): Promise<SignedIn> {
    const [entity] = await this.options.catalog.getEntitiesByRefs([GUEST_USER_REF]);
    return this.startSession({ userEntityRef: GUEST_USER_REF, entity }, 'guest');
  }

  /** Swaps a refresh token for a new session; 401 when it is unknown, expired, reused, or the User is gone. */
  async refresh(refreshToken: string): Promise<SignedIn> {
    const { config, sessions, ownership } = this.options;
    const result = await sessions.rotate(refreshToken, config.session.refreshTokenDuration);
    if (result.outcome === 'unknown') throw new AuthenticationError('The session is unknown or has ended: sign in again');
    if (result.outcome === 'expired') throw new AuthenticationError('The session has expired: sign in again');
    if (result.outcome === 'reused') {
      this.options.logger.warn(`A rotated refresh token of ${result.session.userEntityRef} was used again; the session was ended`);
      throw new AuthenticationError('This refresh token was already used; the session was ended: sign in again');
    }
    const { session } = result;
    if (session.provider === 'guest' && !config.allowGuest) {
      await sessions.deleteByRefreshToken(result.refreshToken);
      throw new AuthenticationError('Guest sign-in is no longer allowed: sign in again');
    }
    const [entity] = await this.options.catalog.getEntitiesByRefs([session.userEntityRef]);
    if (!entity && session.provider !== 'guest' && !config.dangerouslyAllowSignInWithoutUserInCatalog) {
      await sessions.deleteByRefreshToken(result.refreshToken);
      throw new AuthenticationError(`${session.userEntityRef} is no longer in the catalog: the session was ended`);
    }
    const refs = await ownership.ownershipRefs(session.userEntityRef, { entity });
    const accessToken = await this.issue(session.userEntityRef, refs);
    return {
      userEntityRef: session.userEntityRef,
      ownershipEntityRefs: refs,
      accessToken,
      refreshToken: { token: result.refreshToken, expiresAt: new Date(session.expiresAt) },
    };
  }

  async signOut(refreshToken: string | undefined): Promise<void> {
    if (refreshToken) await this.options.sessions.deleteByRefreshToken(refreshToken);
  }

  async profile(userEntityRef: string): Promise<UserProfile> {
    const [entity] = await this.options.catalog.getEntitiesByRefs([userEntityRef]);
    const profile = (entity?.spec?.profile ?? {}) as Record<string, unknown>;
    return {
      displayName: str(profile.displayName) ?? str(entity?.metadata.title) ?? entity?.metadata.name,
      email: str(profile.email),
      picture: str(profile.picture),
    };
  }

  private async startSession(user: { userEntityRef: string; entity?: Entity }, provider: string): Promise<SignedIn> {
    const { config, ownership, userTokens, sessions } = this.options;
    const refs = await ownership.ownershipRefs(user.userEntityRef, { entity: user.entity, fresh: true });
    // Personal access tokens act with the ownership of the last sign-in.
    await userTokens.updateOwnership(user.userEntityRef, refs);
    const accessToken = await this.issue(user.userEntityRef, refs);
    const { session, refreshToken } = await sessions.create({
      userEntityRef: user.userEntityRef,
      provider,
      durationMs: config.session.refreshTokenDuration,
    });
    return {
      userEntityRef: user.userEntityRef,
      ownershipEntityRefs: refs,
      accessToken,
      refreshToken: { token: refreshToken, expiresAt: new Date(session.expiresAt) },
    };
  }

  private issue(userEntityRef: string, ownershipEntityRefs: string[]) {
    return this.options.userTokens.issueUserToken({
      userEntityRef,
      ownershipEntityRefs,
      expiresInSeconds: Math.max(1, Math.round(this.options.config.session.accessTokenDuration / 1000)),
    });
  }
}
