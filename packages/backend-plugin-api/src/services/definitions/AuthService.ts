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
  /** e.g. `plugin:scorecards` or `external:ci` */
  subject: string;
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

/** Verifies tokens and issues tokens for calls between plugins. */
export interface AuthService {
  authenticate(token: string): Promise<Credentials>;
  getOwnServiceCredentials(): Promise<Credentials<ServicePrincipal>>;
  getPluginRequestToken(options: { onBehalfOf: Credentials; targetPluginId: string }): Promise<{ token: string }>;
  isPrincipal<T extends Principal['type']>(credentials: Credentials, type: T): credentials is Credentials<Extract<Principal, { type: T }>>;
}
