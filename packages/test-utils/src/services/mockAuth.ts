import type { Request, Response } from 'express';
import type { AuthService, Credentials, HttpAuthService, Principal, ServicePrincipal } from '@portico/backend-plugin-api';
import { createCredentials, guestCredentials, SESSION_COOKIE } from '@portico/backend';
import { AuthenticationError, NotAllowedError } from '@portico/errors';
import { decodeMockToken, mockToken } from './mockCredentials';

/**
 * The AuthService of a mock-auth test backend: accepts the tokens of `mockCredentials` (and the service
 * tokens it issues, which are mock tokens too); anything else is a 401. External-style restrictions to
 * other plugins are a 403, as with the real service.
 */
export function createMockAuthService(pluginId: string): AuthService {
  return {
    async authenticate(token) {
      const principal = decodeMockToken(token);
      if (!principal) throw new AuthenticationError('Invalid token (a mock-auth test backend accepts only mockCredentials tokens)');
      const plugins = principal.type === 'service' ? principal.accessRestrictions?.plugins : undefined;
      if (plugins && !plugins.includes(pluginId)) {
        throw new NotAllowedError(`Token of '${(principal as ServicePrincipal).subject}' may not call plugin '${pluginId}'`);
      }
      return createCredentials(principal);
    },
    async getNoneCredentials() {
      return createCredentials({ type: 'none' });
    },
    async getOwnServiceCredentials() {
      return createCredentials({ type: 'service', subject: `plugin:${pluginId}` });
    },
    async getPluginRequestToken({ onBehalfOf }) {
      const principal: Principal = onBehalfOf.principal.type === 'service' ? { type: 'service', subject: `plugin:${pluginId}` } : onBehalfOf.principal;
      return { token: mockToken(principal) };
    },
    isPrincipal<T extends Principal['type']>(credentials: Credentials, type: T): credentials is Credentials<Extract<Principal, { type: T }>> {
      return credentials.principal.type === type;
    },
  };
}

function bearerToken(req: Request): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '')?.[1];
}

/**
 * The HttpAuthService of a mock-auth test backend: fixed `credentials` for every request when given;
 * otherwise a `mockCredentials` bearer token acts as its principal and a request without one is the
 * guest user. Cookies are set as the real service names them, but not read.
 */
export function createMockHttpAuthService(auth: AuthService, credentials?: Credentials): HttpAuthService {
  return {
    async credentials<T extends Principal['type'] = Principal['type']>(req: Request, options?: { allow?: T[] }) {
      const token = bearerToken(req);
      const found = credentials ?? (token ? await auth.authenticate(token) : guestCredentials());
      const type = found.principal.type as T;
      if (options?.allow && !options.allow.includes(type)) {
        if (type === 'none') throw new AuthenticationError('Missing credentials');
        throw new NotAllowedError(`This endpoint does not accept ${type} credentials; allowed: ${options.allow.join(', ')}`);
      }
      return found as Credentials<Extract<Principal, { type: T }>>;
    },
    issueUserCookie(res: Response, { token, expiresAt }) {
      res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', path: '/', expires: expiresAt });
    },
    clearUserCookie(res: Response) {
      res.clearCookie(SESSION_COOKIE, { path: '/' });
    },
  };
}
