import type { Router } from 'express';
import { z } from 'zod';
import { createRouteRegistry, type AuditorService, type HttpAuthService, type PermissionsService } from '@portico/backend-plugin-api';
import { auditEventReadPermission } from '@portico/permission-common';
import type { AuditStore } from '../services/auditor/AuditStore';

const eventsQuery = z.object({
  actor: z.string().min(1).max(255).optional().describe('The user or service ref that acted'),
  action: z.string().min(1).max(255).optional().describe('An action, or a prefix ending in `*` (`catalog.*`)'),
  resource: z.string().min(1).max(512).optional().describe('The resource ref acted on'),
  plugin: z.string().min(1).max(64).optional(),
  outcome: z.enum(['succeeded', 'failed', 'denied']).optional(),
  since: z.iso.datetime({ offset: true }).optional().describe('Only events at or after this time (ISO 8601)'),
  cursor: z.string().min(1).max(200).optional().describe('`nextCursor` of the previous page'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

const eventSchema = z.object({
  id: z.string(),
  time: z.string(),
  plugin: z.string(),
  action: z.string(),
  actor: z.string(),
  actorType: z.enum(['user', 'service', 'none', 'unknown']),
  resourceRef: z.string().optional(),
  outcome: z.enum(['succeeded', 'failed', 'denied']),
  severity: z.enum(['low', 'medium', 'high', 'critical']),
  status: z.number().optional(),
  requestId: z.string().optional(),
  method: z.string().optional(),
  path: z.string().optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
});

export interface AuditRouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  store: AuditStore;
}

/** `/api/audit/events`: the audit log, newest first, for admins. */
export function createAuditRouter({ httpAuth, permissions, auditor, store }: AuditRouterOptions): Router {
  const routes = createRouteRegistry({
    pluginId: 'audit',
    title: 'Audit log',
    description: 'Who did what to which resource, and how it ended: every mutation and every denied request.',
    httpAuth,
    permissions,
    auditor,
  });
  routes.route(
    {
      method: 'get',
      path: '/events',
      summary: 'Query audit events',
      description: 'Audit events, newest first, filtered by actor, action, resource, plugin, outcome and time; paged with `cursor`.',
      query: eventsQuery,
      permission: auditEventReadPermission,
      response: { description: 'A page of events and the cursor of the next', schema: z.object({ items: z.array(eventSchema), nextCursor: z.string().optional() }) },
      errors: { 403: 'The caller may not read the audit log' },
    },
    async ({ query }) => {
      const { since, ...rest } = query;
      return store.query({ ...rest, ...(since ? { since: new Date(since) } : {}) });
    },
  );
  return routes.router;
}
