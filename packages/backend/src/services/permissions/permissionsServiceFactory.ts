import { coreServices, createServiceFactory, type PermissionPolicy } from '@portico/backend-plugin-api';

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
