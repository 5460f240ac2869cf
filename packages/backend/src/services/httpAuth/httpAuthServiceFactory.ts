import type { Request } from 'express';
import { coreServices, createServiceFactory, type Credentials, type Principal } from '@portico/backend-plugin-api';
import { AuthenticationError, NotAllowedError } from '@portico/errors';

function bearerToken(req: Request): string | undefined {
  const header = req.get('authorization');
  const match = header?.match(/^Bearer\s+(.+)$/i);
  return match?.[1];
}

/** Reads the caller from the `Authorization: Bearer` header; no header means the guest user. */
export const httpAuthServiceFactory = createServiceFactory({
  service: coreServices.httpAuth,
  deps: { auth: coreServices.auth },
  factory({ auth }) {
    return {
      async credentials<T extends Principal['type'] = Principal['type']>(req: Request, options?: { allow?: T[] }) {
        const credentials = await auth.authenticate(bearerToken(req) ?? '');
        const type = credentials.principal.type as T;
        if (options?.allow && !options.allow.includes(type)) {
          if (type === 'none') throw new AuthenticationError('This endpoint needs credentials');
          throw new NotAllowedError(`This endpoint does not accept ${type} credentials; allowed: ${options.allow.join(', ')}`);
        }
        return credentials as Credentials<Extract<Principal, { type: T }>>;
      },
    };
  },
});
