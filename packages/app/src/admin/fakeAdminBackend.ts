import type { AuditEventRecord, RbacRoleView } from '@portico/permission-common';
import type { RegisteredPermission } from './RbacRolesClient';

type Answer = { status: number; body?: unknown } | undefined;

/** The roles a fake portal starts with: one of each source. */
export const FAKE_ROLES: RbacRoleView[] = [
  { name: 'everyone', members: ['user:*'], permissions: ['catalog.entity.read', 'scaffolder.template.run'], source: 'default' },
  {
    name: 'entity-owners',
    members: ['user:*'],
    permissions: ['catalog.entity.*'],
    conditions: { rule: 'IS_ENTITY_OWNER' },
    source: 'default',
  },
  { name: 'catalog-reader', members: ['group:default/everyone'], permissions: ['catalog.entity.read'], source: 'config' },
  {
    name: 'db-editors',
    description: 'Edit the databases',
    members: ['group:default/dba'],
    permissions: ['catalog.entity.update'],
    source: 'database',
    updatedAt: '2026-01-02T03:04:05.000Z',
    updatedBy: 'user:default/bob',
  },
];

export const FAKE_PERMISSIONS: RegisteredPermission[] = [
  { type: 'resource', name: 'catalog.entity.read', attributes: { action: 'read' }, resourceType: 'catalog-entity', pluginId: 'catalog' },
  { type: 'resource', name: 'catalog.entity.delete', attributes: { action: 'delete' }, resourceType: 'catalog-entity', pluginId: 'catalog' },
  { type: 'basic', name: 'catalog.location.create', attributes: { action: 'create' }, pluginId: 'catalog' },
  { type: 'basic', name: 'scaffolder.template.run', attributes: { action: 'use' }, pluginId: 'scaffolder' },
];

const error = (status: number, name: string, message: string, details?: unknown) => ({
  status,
  body: { error: { name, message, ...(details ? { details } : {}) } },
});

/** One request the fake received. */
export interface FakeAdminCall {
  method: string;
  path: string;
  search: URLSearchParams;
  body?: unknown;
}

function fakeResponse(answer: { status: number; body?: unknown }): Response {
  const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
  return {
    status: answer.status,
    ok: answer.status >= 200 && answer.status < 300,
    statusText: String(answer.status),
    json: async () => JSON.parse(text) as unknown,
    text: async () => text,
  } as unknown as Response;
}

/**
 * A fetchApi standing in for the host's `/api/permission` and `/api/audit` (install it with `[fetchApiRef, fake.fetchApi]`):
 * the roles live in memory, default and config ones answer 409 like the backend, a PUT whose member is not a ref is a
 * 400 naming `body.members.<i>`, events are filtered by actor, outcome and resource and paged by a numeric `cursor`.
 * `override` answers a request first (to play a 409 or a 404 the fake would not give).
 */
export function fakeAdminBackend(options: { roles?: RbacRoleView[]; events?: AuditEventRecord[]; override?: (call: FakeAdminCall) => Answer } = {}) {
  const roles = (options.roles ?? FAKE_ROLES).map(role => ({ ...role }));
  const events = options.events ?? [];
  const calls: FakeAdminCall[] = [];

  const handle = ({ method, path, search, body }: FakeAdminCall): { status: number; body?: unknown } => {
    if (path === '/api/permission/roles' && method === 'GET') return { status: 200, body: { items: roles } };
    if (path === '/api/permission/permissions' && method === 'GET') return { status: 200, body: { items: FAKE_PERMISSIONS } };
    if (path === '/api/audit/events' && method === 'GET') return auditEventsAnswer(events, search);
    const one = /^\/api\/permission\/roles\/([^/]+)$/.exec(path);
    if (one) {
      const name = decodeURIComponent(one[1]);
      const index = roles.findIndex(role => role.name === name);
      const existing = roles[index];
      if (existing && existing.source !== 'database') {
        return error(409, 'ConflictError', `Role '${name}' is defined in app-config (permission.rbac.roles); edit it there`);
      }
      if (method === 'PUT') {
        const role = body as Omit<RbacRoleView, 'name' | 'source'>;
        const issues = role.members.flatMap((member, i) =>
          /^(user:\*|[a-z]+:([\w.-]+\/)?[\w.@-]+)$/.test(member) ? [] : [{ path: `body.members.${i}`, message: 'a user or group ref' }],
        );
        if (issues.length) return error(400, 'InputError', issues.map(i => `${i.path}: ${i.message}`).join('; '), { issues });
        const stored: RbacRoleView = { ...role, name, source: 'database', updatedBy: 'user:default/guest' };
        if (existing) roles[index] = stored;
        else roles.push(stored);
        return { status: 200, body: stored };
      }
      if (method === 'DELETE') {
        if (!existing) return error(404, 'NotFoundError', `No stored role '${name}'`);
        roles.splice(index, 1);
        return { status: 204 };
      }
    }
    return error(404, 'NotFoundError', `No route ${method} ${path}`);
  };

  const fetchApi = {
    fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = new URL(String(input));
      const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
      const call: FakeAdminCall = { method: init?.method ?? 'GET', path: url.pathname, search: url.searchParams, body };
      calls.push(call);
      return fakeResponse(options.override?.(call) ?? handle(call));
    },
  };
  return { fetchApi, calls, roles };
}

/** Answers `GET /api/audit/events?...` from `events` (newest first): filters, `limit` and a numeric `cursor`. */
function auditEventsAnswer(events: AuditEventRecord[], search: URLSearchParams): { status: number; body: unknown } {
  const limit = Number(search.get('limit') ?? 50);
  const start = Number(search.get('cursor') ?? 0);
  const matching = events.filter(
    event =>
      (!search.get('actor') || event.actor === search.get('actor')) &&
      (!search.get('outcome') || event.outcome === search.get('outcome')) &&
      (!search.get('resource') || event.resourceRef === search.get('resource')),
  );
  const items = matching.slice(start, start + limit);
  const next = start + limit < matching.length ? String(start + limit) : undefined;
  return { status: 200, body: { items, ...(next ? { nextCursor: next } : {}) } };
}
