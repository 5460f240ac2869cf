/** A signed-in person. */
export interface UserPrincipal {
  type: 'user';
  /** e.g. `user:default/guest` */
  userEntityRef: string;
  /** The user and the groups they belong to, as entity refs. */
  ownershipEntityRefs: string[];
}

/** Another backend service or plugin. */
export interface ServicePrincipal {
  type: 'service';
  /** e.g. `plugin:scorecards` or `external:ci-pipeline` */
  subject: string;
  /** For external access tokens (`backend.auth.externalAccess`): the plugins and permissions it is limited to. */
  accessRestrictions?: { plugins?: string[]; permissions?: string[] };
}

export interface NonePrincipal {
  type: 'none';
}

export type Principal = UserPrincipal | ServicePrincipal | NonePrincipal;

export interface Credentials<TPrincipal extends Principal = Principal> {
  $$type: '@portico/Credentials';
  principal: TPrincipal;
  expiresAt?: Date;
}

/**
 * Verifies tokens and issues tokens for calls between plugins. `authenticate` accepts the host's signed user
 * tokens, service tokens whose audience is this plugin, external access tokens and personal access tokens,
 * and throws AuthenticationError (401) for anything else (forged, expired, wrong audience, `alg: none`).
 */
export interface AuthService {
  authenticate(token: string): Promise<Credentials>;
  /** Credentials of type `none`: a caller without a token, on a route that allows it. */
  getNoneCredentials(): Promise<Credentials<NonePrincipal>>;
  getOwnServiceCredentials(): Promise<Credentials<ServicePrincipal>>;
  /**
   * A short-lived token for a call to `targetPluginId`: for a user's credentials it acts on the user's behalf
   * (the target sees the user), for service credentials it names this plugin.
   */
  getPluginRequestToken(options: { onBehalfOf: Credentials; targetPluginId: string }): Promise<{ token: string }>;
  isPrincipal<T extends Principal['type']>(credentials: Credentials, type: T): credentials is Credentials<Extract<Principal, { type: T }>>;
}
