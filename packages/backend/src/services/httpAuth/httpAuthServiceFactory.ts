import type { Request } from 'express';
import {
  coreServices,
  createServiceFactory,
  type AuthService,
  type Credentials,
  type HttpAuthService,
  type Principal,
} from '@portico/backend-plugin-api';
import { AuthenticationError, NotAllowedError } from '@portico/errors';
import { identityHostServiceRef, type IdentityHost } from '../userTokens/IdentityHost';
import {
  clearSessionCookies,
  hasValidCsrfToken,
  MUTATING_METHODS,
  requestCookies,
  SESSION_COOKIE,
  setSessionCookies,
} from './sessionCookies';

function bearerToken(req: Request): string | undefined {
  const header = req.get('authorization');
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new AuthenticationError('Invalid Authorization header: expected "Bearer <token>"');
  return match[1];
}

/**
 * Reads the caller of a request: the `Authorization: Bearer` token, else the session cookie (a user token;
 * POST/PUT/PATCH/DELETE must echo the CSRF cookie in `x-csrf-token`), else nobody (`none`). A session
 * cookie that is expired or lacks its CSRF header counts as no credentials where `none` is allowed (the
 * sign-in and refresh routes), and is a 401/403 elsewhere.
 */
export function createHttpAuthService(options: { auth: AuthService; secureCookies: boolean }): HttpAuthService {
  const { auth, secureCookies } = options;
  // The default deny of the plugin router, the route registry and handlers all ask: one verification per
  // request and mode (lenient: a bad session cookie is no credentials; strict: it is refused).
  const caches = { lenient: new WeakMap<Request, Promise<Credentials>>(), strict: new WeakMap<Request, Promise<Credentials>>() };

  const read = async (req: Request, allowNone: boolean): Promise<Credentials> => {
    const bearer = bearerToken(req);
    if (bearer !== undefined) return auth.authenticate(bearer);
    const cookie = requestCookies(req)[SESSION_COOKIE];
    if (!cookie) return auth.getNoneCredentials();
    try {
      if (MUTATING_METHODS.has(req.method) && !hasValidCsrfToken(req)) throw new NotAllowedError('CSRF token missing or wrong');
      const credentials = await auth.authenticate(cookie);
      if (credentials.principal.type !== 'user') throw new AuthenticationError('The session cookie holds no user token');
      return credentials;
    } catch (error) {
      if (allowNone) return auth.getNoneCredentials();
      throw error;
    }
  };

  return {
    async credentials<T extends Principal['type'] = Principal['type']>(req: Request, opts?: { allow?: T[] }) {
      const allow = opts?.allow;
      const allowNone = !allow || allow.includes('none' as T);
      const cache = allowNone ? caches.lenient : caches.strict;
      let pending = cache.get(req);
      if (!pending) {
        pending = read(req, allowNone);
        cache.set(req, pending);
      }
      const credentials = await pending;
      const type = credentials.principal.type as T;
      if (allow && !allow.includes(type)) {
        if (type === 'none') throw new AuthenticationError('Missing credentials');
        throw new NotAllowedError(`This endpoint does not accept ${type} credentials; allowed: ${allow.join(', ')}`);
      }
      return credentials as Credentials<Extract<Principal, { type: T }>>;
    },
    issueUserCookie(res, { token, expiresAt }) {
      setSessionCookies(res, { token, expiresAt, secure: secureCookies });
    },
    clearUserCookie(res) {
      clearSessionCookies(res, { secure: secureCookies });
    },
  };
}

export const httpAuthServiceFactory = createServiceFactory({
  service: coreServices.httpAuth,
  deps: { auth: coreServices.auth },
  rootDeps: { identity: identityHostServiceRef },
  createRootContext: ({ identity }) => identity,
  factory: ({ auth }, identity: IdentityHost) => createHttpAuthService({ auth, secureCookies: identity.config.secureCookies }),
});
