import { coreServices, createServiceFactory, type Credentials, type HttpAuthService } from '@portico/backend-plugin-api';
import type { Request } from 'express';

const HEADER = 'x-test-principal';

/**
 * An httpAuth for tests that act as several people: a request with the headers of `actAs(user, groups)`
 * is that user (owning itself and the groups), `actAsService(subject)` a service; any other request is
 * the guest user.
 */
export const actAsHttpAuth = createServiceFactory({
  service: coreServices.httpAuth,
  deps: {},
  factory: (): HttpAuthService => ({
    async credentials(req: Request) {
      const raw = req.header(HEADER);
      const principal = raw
        ? (JSON.parse(raw) as Credentials['principal'])
        : { type: 'user' as const, userEntityRef: 'user:default/guest', ownershipEntityRefs: ['user:default/guest'] };
      return { $$type: '@portico/Credentials', principal } as never;
    },
    issueUserCookie() {},
    clearUserCookie() {},
  }),
});

/** Headers that make a request the user `user`, member of `groups`. */
export function actAs(user: string, groups: string[] = []): Record<string, string> {
  return { [HEADER]: JSON.stringify({ type: 'user', userEntityRef: user, ownershipEntityRefs: [user, ...groups] }) };
}

/** Headers that make a request the service `subject` (another plugin or an external caller). */
export function actAsService(subject: string): Record<string, string> {
  return { [HEADER]: JSON.stringify({ type: 'service', subject }) };
}
