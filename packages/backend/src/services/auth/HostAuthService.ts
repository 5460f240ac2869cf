import type { AuthService, Credentials, NonePrincipal, Principal, ServicePrincipal } from '@portico/backend-plugin-api';
import { AuthenticationError, NotAllowedError } from '@portico/errors';
import type { IdentityHost } from '../userTokens/IdentityHost';
import { createCredentials } from './credentials';

/**
 * One plugin's AuthService: verifies tokens sent to this plugin through the host's identity, and issues
 * service tokens from this plugin to others. An external access token restricted to other plugins is
 * refused here (403), so no route of this plugin sees it.
 */
export class HostAuthService implements AuthService {
  constructor(
    private readonly pluginId: string,
    private readonly identity: IdentityHost,
  ) {}

  async authenticate(token: string): Promise<Credentials> {
    if (!token) throw new AuthenticationError('Missing credentials');
    const { principal, expiresAt } = await this.identity.verify(token, this.pluginId);
    const plugins = principal.type === 'service' ? principal.accessRestrictions?.plugins : undefined;
    if (plugins && !plugins.includes(this.pluginId)) {
      throw new NotAllowedError(`Token of '${(principal as ServicePrincipal).subject}' may not call plugin '${this.pluginId}'`);
    }
    return createCredentials(principal, expiresAt);
  }

  async getNoneCredentials(): Promise<Credentials<NonePrincipal>> {
    return createCredentials({ type: 'none' });
  }

  async getOwnServiceCredentials(): Promise<Credentials<ServicePrincipal>> {
    return createCredentials({ type: 'service', subject: `plugin:${this.pluginId}` });
  }

  async getPluginRequestToken(options: { onBehalfOf: Credentials; targetPluginId: string }): Promise<{ token: string }> {
    const { principal } = options.onBehalfOf;
    if (principal.type === 'none') {
      throw new AuthenticationError(`Plugin '${this.pluginId}' cannot call '${options.targetPluginId}' on behalf of a caller without credentials`);
    }
    const { token } = await this.identity.issueServiceToken({
      callerPluginId: this.pluginId,
      targetPluginId: options.targetPluginId,
      ...(principal.type === 'user' ? { obo: { sub: principal.userEntityRef, ent: principal.ownershipEntityRefs } } : {}),
    });
    return { token };
  }

  isPrincipal<T extends Principal['type']>(
    credentials: Credentials,
    type: T,
  ): credentials is Credentials<Extract<Principal, { type: T }>> {
    return credentials.principal.type === type;
  }
}
