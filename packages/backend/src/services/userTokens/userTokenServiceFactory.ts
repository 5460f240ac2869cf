import { coreServices, createServiceFactory, type UserTokenService } from '@portico/backend-plugin-api';
import { identityHostServiceRef } from './IdentityHost';

/** Issues user tokens and personal access tokens, signed and stored by the host's identity. */
export const userTokenServiceFactory = createServiceFactory({
  service: coreServices.userTokens,
  deps: { identity: identityHostServiceRef },
  factory({ identity }): UserTokenService {
    const tokens = identity.personalAccessTokens;
    return {
      issueUserToken: options => identity.issueUserToken(options),
      createPersonalAccessToken: options => tokens.create(options),
      listPersonalAccessTokens: userEntityRef => tokens.list(userEntityRef),
      revokePersonalAccessToken: options => tokens.revoke(options),
      updateOwnership: (userEntityRef, refs) => tokens.updateOwnership(userEntityRef, refs),
      getJwks: async () => identity.keys.jwks() as Promise<{ keys: Array<Record<string, unknown>> }>,
    };
  },
});
