import type {
  AuthService,
  Credentials,
  Principal,
  ServicePrincipal,
  UserPrincipal,
} from '@portico/backend-plugin-api';

export const GUEST_USER_REF = 'user:default/guest';
const TOKEN_PREFIX = 'portico-dev.';

export function createCredentials<T extends Principal>(principal: T): Credentials<T> {
  return { $$type: '@portico/Credentials', principal };
}

export function guestCredentials(): Credentials<UserPrincipal> {
  return createCredentials({ type: 'user', userEntityRef: GUEST_USER_REF, ownershipEntityRefs: [GUEST_USER_REF] });
}

function decodeToken(token: string): Principal | undefined {
  if (!token.startsWith(TOKEN_PREFIX)) return undefined;
  try {
    const principal = JSON.parse(Buffer.from(token.slice(TOKEN_PREFIX.length), 'base64url').toString('utf8')) as Principal;
    return principal && ['user', 'service', 'none'].includes(principal.type) ? principal : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Development auth: any caller without a token of ours is the guest user. Tokens between
 * plugins carry the principal unsigned, which is fine only because nothing is secret yet.
 */
export class DevelopmentAuthService implements AuthService {
  constructor(private readonly pluginId: string) {}

  async authenticate(token: string): Promise<Credentials> {
    const principal = decodeToken(token);
    return principal ? createCredentials(principal) : guestCredentials();
  }

  async getOwnServiceCredentials(): Promise<Credentials<ServicePrincipal>> {
    return createCredentials({ type: 'service', subject: `plugin:${this.pluginId}` });
  }

  async getPluginRequestToken(options: { onBehalfOf: Credentials; targetPluginId: string }): Promise<{ token: string }> {
    return { token: TOKEN_PREFIX + Buffer.from(JSON.stringify(options.onBehalfOf.principal)).toString('base64url') };
  }

  isPrincipal<T extends Principal['type']>(
    credentials: Credentials,
    type: T,
  ): credentials is Credentials<Extract<Principal, { type: T }>> {
    return credentials.principal.type === type;
  }
}
