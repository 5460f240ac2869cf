import { randomBytes, randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import {
  coreServices,
  createServiceFactory,
  type AuditEventOptions,
  type AuthService,
  type Credentials,
  type Principal,
  type ServiceFactory,
  type UserTokenService,
} from '@portico/backend-plugin-api';
import { AuthenticationError, NotAllowedError } from '@portico/errors';
import type { Entity } from '@portico/catalog-model';
import { stringifyEntityRef } from '@portico/catalog-model';
import { matchesEntityFilter, type CatalogApi, type EntityFilterQuery } from '@portico/plugin-catalog-common';
import { catalogServiceRef } from '@portico/plugin-catalog-node';

interface Issued {
  userEntityRef: string;
  ownershipEntityRefs: string[];
  expiresAt?: Date;
}

function cookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/**
 * Stand-ins for the host's user tokens, httpAuth (bearer or `portico_session` cookie, CSRF cookie) and
 * auditor (`only` some of them), with what they issued and recorded open to assertions. Opaque tokens: the tests here are about
 * the auth plugin's flows, not the host's JWTs.
 */
export function fakeIdentityServices(options: { only?: Array<'userTokens' | 'httpAuth' | 'auditor'> } = {}) {
  const accessTokens = new Map<string, Issued>();
  const pats = new Map<string, Issued & { id: string; name: string; createdAt: string; revoked?: boolean }>();
  const ownershipUpdates: Array<{ userEntityRef: string; ownershipEntityRefs: string[] }> = [];
  const audit: Array<AuditEventOptions & { outcome?: 'succeeded' | 'failed'; error?: string }> = [];

  const userTokens: UserTokenService = {
    async issueUserToken({ userEntityRef, ownershipEntityRefs, expiresInSeconds = 900 }) {
      const token = `user.${randomBytes(12).toString('hex')}`;
      const expiresAt = new Date(Date.now() + expiresInSeconds * 1000);
      accessTokens.set(token, { userEntityRef, ownershipEntityRefs, expiresAt });
      return { token, expiresAt };
    },
    async createPersonalAccessToken({ userEntityRef, ownershipEntityRefs, name, expiresAt }) {
      const id = randomUUID();
      const token = `pat_${id}_${randomBytes(16).toString('hex')}`;
      pats.set(token, { id, name, userEntityRef, ownershipEntityRefs, expiresAt, createdAt: new Date().toISOString() });
      return { id, token, expiresAt };
    },
    async listPersonalAccessTokens(userEntityRef) {
      return [...pats.values()]
        .filter(p => p.userEntityRef === userEntityRef && !p.revoked)
        .map(p => ({ id: p.id, name: p.name, createdAt: p.createdAt, ...(p.expiresAt ? { expiresAt: p.expiresAt.toISOString() } : {}) }));
    },
    async revokePersonalAccessToken({ userEntityRef, id }) {
      const pat = [...pats.values()].find(p => p.id === id && p.userEntityRef === userEntityRef && !p.revoked);
      if (!pat) return false;
      pat.revoked = true;
      return true;
    },
    async updateOwnership(userEntityRef, ownershipEntityRefs) {
      ownershipUpdates.push({ userEntityRef, ownershipEntityRefs });
      for (const pat of pats.values()) if (pat.userEntityRef === userEntityRef) pat.ownershipEntityRefs = ownershipEntityRefs;
    },
    async getJwks() {
      return { keys: [{ kty: 'EC', crv: 'P-256', kid: 'fake', x: 'x', y: 'y', alg: 'ES256', use: 'sig' }] };
    },
  };

  /** Tokens this fake issued; any other goes to the host's auth (service tokens between plugins). */
  async function authenticate(token: string, auth: AuthService): Promise<Credentials> {
    const issued = accessTokens.get(token) ?? (token.startsWith('pat_') ? pats.get(token) : undefined);
    if (!issued && !token.startsWith('user.') && !token.startsWith('pat_')) return auth.authenticate(token);
    if (!issued || (issued as { revoked?: boolean }).revoked) throw new AuthenticationError('Invalid token');
    if (issued.expiresAt && issued.expiresAt.getTime() <= Date.now()) throw new AuthenticationError('Token expired');
    return {
      $$type: '@portico/Credentials',
      principal: { type: 'user', userEntityRef: issued.userEntityRef, ownershipEntityRefs: issued.ownershipEntityRefs },
      expiresAt: issued.expiresAt,
    };
  }

  const httpAuth = (auth: AuthService) => ({
    async credentials<T extends Principal['type'] = Principal['type']>(req: Request, options?: { allow?: T[] }) {
      const bearer = req.get('authorization')?.match(/^Bearer\s+(.+)$/i)?.[1];
      const token = bearer ?? cookie(req, 'portico_session');
      const credentials: Credentials = token ? await authenticate(token, auth) : { $$type: '@portico/Credentials', principal: { type: 'none' } };
      const type = credentials.principal.type as T;
      if (options?.allow && !options.allow.includes(type)) {
        if (type === 'none') throw new AuthenticationError('Missing credentials');
        throw new NotAllowedError(`This endpoint does not accept ${type} credentials`);
      }
      return credentials as Credentials<Extract<Principal, { type: T }>>;
    },
    issueUserCookie(res: Response, { token, expiresAt }: { token: string; expiresAt: Date }) {
      res.cookie('portico_session', token, { httpOnly: true, sameSite: 'lax', path: '/', expires: expiresAt });
      res.cookie('portico_csrf', randomBytes(16).toString('hex'), { sameSite: 'lax', path: '/' });
    },
    clearUserCookie(res: Response) {
      res.clearCookie('portico_session', { path: '/' });
      res.clearCookie('portico_csrf', { path: '/' });
    },
  });

  const auditor = {
    async createEvent(options: AuditEventOptions) {
      const event: (typeof audit)[number] = { ...options, request: undefined };
      audit.push(event);
      return {
        async success(o?: { meta?: AuditEventOptions['meta'] }) {
          Object.assign(event, { outcome: 'succeeded', meta: { ...event.meta, ...o?.meta } });
        },
        async fail(o: { error: unknown; meta?: AuditEventOptions['meta'] }) {
          Object.assign(event, { outcome: 'failed', error: (o.error as Error)?.message, meta: { ...event.meta, ...o.meta } });
        },
      };
    },
  };

  const factories: Record<'userTokens' | 'httpAuth' | 'auditor', ServiceFactory> = {
    userTokens: createServiceFactory({ service: coreServices.userTokens, deps: {}, factory: () => userTokens }),
    httpAuth: createServiceFactory({ service: coreServices.httpAuth, deps: { auth: coreServices.auth }, factory: ({ auth }) => httpAuth(auth) }),
    auditor: createServiceFactory({ service: coreServices.auditor, deps: {}, factory: () => auditor }),
  };
  const services = (options.only ?? (['userTokens', 'httpAuth', 'auditor'] as const)).map(name => factories[name]);
  return { services, userTokens, accessTokens, ownershipUpdates, audit };
}

/** A catalog of the given entities, answering the two calls sign-in makes (filters as the catalog reads them). */
export function fakeCatalog(entities: Entity[]) {
  const calls: Array<{ method: string; token?: string }> = [];
  const byRef = () => new Map(entities.map(e => [stringifyEntityRef(e), e]));
  const api: Pick<CatalogApi, 'getEntities' | 'getEntitiesByRefs'> = {
    async getEntities(request, options) {
      calls.push({ method: 'getEntities', token: options?.token });
      return { items: entities.filter(e => matchesEntityFilter(e, request?.filter as EntityFilterQuery | undefined)) };
    },
    async getEntitiesByRefs(request, options) {
      calls.push({ method: 'getEntitiesByRefs', token: options?.token });
      const map = byRef();
      return { items: request.entityRefs.map(ref => map.get(ref.toLowerCase()) ?? null) };
    },
  };
  const factory = createServiceFactory({ service: catalogServiceRef, deps: {}, factory: () => api as CatalogApi });
  return { api, factory, calls, entities };
}

export const user = (name: string, spec: Record<string, unknown> = {}, annotations: Record<string, string> = {}): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name, namespace: 'default', annotations },
  spec,
});

export const group = (name: string, spec: Record<string, unknown> = {}): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children: [], ...spec },
});
