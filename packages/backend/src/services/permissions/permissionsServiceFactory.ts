import { coreServices, createServiceFactory } from '@portico/backend-plugin-api';
import type { PermissionPolicy } from './PermissionPolicy';

/** The development policy: everything is allowed. */
export const allowAllPermissionPolicy: PermissionPolicy = {
  async handle() {
    return 'ALLOW';
  },
};

/** A permissions service that asks `policy` about every request. */
export function createPermissionsServiceFactory(policy: PermissionPolicy) {
  return createServiceFactory({
    service: coreServices.permissions,
    deps: {},
    factory() {
      return {
        async authorize(requests, { credentials }) {
          return Promise.all(requests.map(async request => ({ result: await policy.handle(request, credentials) })));
        },
      };
    },
  });
}

export const permissionsServiceFactory = createPermissionsServiceFactory(allowAllPermissionPolicy);
