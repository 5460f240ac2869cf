import express, { type NextFunction, type Request, type Response } from 'express';
import request from 'supertest';
import { z } from 'zod';
import { AuthenticationError, NotAllowedError, type PorticoError } from '@portico/errors';
import { createPermission, type PolicyDecision } from '@portico/permission-common';
import type { AuditEventOptions, AuditorService } from '../services/definitions/AuditorService';
import type { Credentials, Principal } from '../services/definitions/AuthService';
import type { HttpAuthService } from '../services/definitions/HttpAuthService';
import type { PermissionsService } from '../services/definitions/PermissionsService';
import { createRouteRegistry } from './createRouteRegistry';

const readThings = createPermission({ name: 'things.read' });
const deleteThing = createPermission({ name: 'things.delete', resourceType: 'thing' });
const listThings = createPermission({ name: 'things.list', resourceType: 'thing' });

const users: Record<string, Principal> = {
  ada: { type: 'user', userEntityRef: 'user:default/ada', ownershipEntityRefs: ['user:default/ada'] },
  bob: { type: 'user', userEntityRef: 'user:default/bob', ownershipEntityRefs: ['user:default/bob'] },
  ci: { type: 'service', subject: 'external:ci' },
};

/** Reads `x-as: <name>` as the caller, as a stand-in for the host's token checks; `x-as: forged` is a bad token. */
const httpAuth: HttpAuthService = {
  async credentials(req: Request, options?: { allow?: string[] }) {
    const as = req.get('x-as');
    if (as === 'forged') throw new AuthenticationError('Invalid token signature');
    const principal: Principal = as ? users[as] : { type: 'none' };
    if (options?.allow && !options.allow.includes(principal.type)) {
      if (principal.type === 'none') throw new AuthenticationError('Missing credentials');
      throw new NotAllowedError(`This endpoint does not accept ${principal.type} credentials`);
    }
    return { $$type: '@portico/Credentials', principal } as Credentials<never>;
  },
  issueUserCookie: () => undefined,
  clearUserCookie: () => undefined,
};

/** Ada may do everything; bob may read things and delete only `thing:mine`; lists are conditional for bob. */
const permissions: PermissionsService = {
  async authorize(requests, { credentials }) {
    const who = credentials.principal.type === 'user' ? credentials.principal.userEntityRef : credentials.principal.type;
    return requests.map(r => {
      if (who === 'user:default/ada') return { result: 'ALLOW' as const };
      if (who === 'user:default/bob' && (r.permission.name === 'things.read' || r.resourceRef === 'thing:mine')) return { result: 'ALLOW' as const };
      return { result: 'DENY' as const, reason: `RBAC: no role grants ${r.permission.name}` };
    });
  },
  async authorizeConditional(requests) {
    return requests.map(
      (r): PolicyDecision => ({
        result: 'CONDITIONAL',
        pluginId: 'things',
        resourceType: r.permission.resourceType,
        conditions: { resourceType: 'thing', rule: 'isOwner', params: {} },
      }),
    );
  },
};

function app() {
  const audited: Array<AuditEventOptions & { outcome: string; error?: string }> = [];
  const auditor: AuditorService = {
    async createEvent(options) {
      return {
        success: async () => void audited.push({ ...options, outcome: 'succeeded' }),
        fail: async ({ error }) => void audited.push({ ...options, outcome: 'failed', error: (error as Error).message }),
      };
    },
  };
  const routes = createRouteRegistry({ pluginId: 'things', title: 'Things', description: 'Things.', httpAuth, permissions, auditor });
  routes.route(
    { method: 'get', path: '/things', summary: 'List', description: 'Things.', permission: readThings, response: { description: 'Things' } },
    ({ credentials }) => ({ caller: credentials.principal }),
  );
  routes.route(
    { method: 'get', path: '/public', summary: 'Open', description: 'Anyone.', auth: 'unauthenticated', response: { description: 'Hi' } },
    ({ credentials }) => ({ caller: credentials.principal.type }),
  );
  routes.route(
    { method: 'get', path: '/users-only', summary: 'Users', description: 'Users only.', auth: 'user', response: { description: 'Hi' } },
    () => ({ ok: true }),
  );
  routes.route(
    {
      method: 'delete',
      path: '/things/:id',
      summary: 'Delete',
      description: 'Deletes one.',
      params: z.object({ id: z.string() }),
      permission: deleteThing,
      response: { status: 204, description: 'Deleted' },
    },
    async ({ params, authorize }) => {
      await authorize(`thing:${params.id}`);
    },
  );
  routes.route(
    { method: 'get', path: '/visible', summary: 'Visible', description: 'The list query.', permission: listThings, response: { description: 'Decision' } },
    async ({ authorizeConditional }) => ({ decision: await authorizeConditional() }),
  );
  routes.route(
    { method: 'get', path: '/misdeclared', summary: 'Bad', description: 'No resource permission.', response: { description: 'x' } },
    async ({ authorize }) => {
      await authorize('thing:x');
    },
  );
  const server = express();
  server.use(routes.router);
  server.use((error: PorticoError, _req: Request, res: Response, _next: NextFunction) => {
    res.status(error.statusCode ?? 500).json({ error: { name: error.name, message: error.message } });
  });
  return { server, audited };
}

describe('createRouteRegistry enforcement', () => {
  it('refuses a route without credentials with 401 "Missing credentials", and a bad token with its reason', async () => {
    const { server } = app();
    const missing = await request(server).get('/things').expect(401);
    expect(missing.body.error).toEqual({ name: 'AuthenticationError', message: 'Missing credentials' });
    const forged = await request(server).get('/things').set('x-as', 'forged').expect(401);
    expect(forged.body.error.message).toBe('Invalid token signature');
  });

  it('opens unauthenticated routes to callers without credentials, who are `none`', async () => {
    const { server } = app();
    expect((await request(server).get('/public').expect(200)).body).toEqual({ caller: 'none' });
    expect((await request(server).get('/public').set('x-as', 'ada').expect(200)).body).toEqual({ caller: 'user' });
  });

  it('refuses a principal type the route does not accept with 403', async () => {
    const { server } = app();
    const res = await request(server).get('/users-only').set('x-as', 'ci').expect(403);
    expect(res.body.error.name).toBe('NotAllowedError');
    await request(server).get('/users-only').set('x-as', 'bob').expect(200);
  });

  it('authorizes a basic permission before the handler, and audits a denial with the policy reason', async () => {
    const { server, audited } = app();
    expect((await request(server).get('/things').set('x-as', 'bob').expect(200)).body.caller.userEntityRef).toBe('user:default/bob');
    const denied = await request(server).get('/things').set('x-as', 'ci').expect(403);
    expect(denied.body.error).toEqual({ name: 'NotAllowedError', message: 'RBAC: no role grants things.read' });
    expect(audited).toEqual([expect.objectContaining({ action: 'things.read', outcome: 'failed', error: 'RBAC: no role grants things.read' })]);
  });

  it('authorizes a resource permission on the resource the handler names', async () => {
    const { server, audited } = app();
    await request(server).delete('/things/mine').set('x-as', 'bob').expect(204);
    const denied = await request(server).delete('/things/yours').set('x-as', 'bob').expect(403);
    expect(denied.body.error.message).toBe('RBAC: no role grants things.delete');
    expect(audited).toEqual([expect.objectContaining({ action: 'things.delete', resourceRef: 'thing:yours', outcome: 'failed' })]);
  });

  it('hands list routes the conditional decision', async () => {
    const { server } = app();
    const res = await request(server).get('/visible').set('x-as', 'bob').expect(200);
    expect(res.body.decision).toMatchObject({ result: 'CONDITIONAL', resourceType: 'thing' });
  });

  it('fails loudly when a handler authorizes on a route without a resource permission', async () => {
    const { server } = app();
    const res = await request(server).get('/misdeclared').set('x-as', 'ada').expect(500);
    expect(res.body.error.message).toMatch(/declares no resource permission/);
  });
});
