import type { Request } from 'express';
import {
  coreServices,
  createServiceFactory,
  type AuditEventOptions,
  type AuditorService,
  type Credentials,
  type HttpAuthService,
} from '@portico/backend-plugin-api';
import { isError, statusCodeOf } from '@portico/errors';
import type { JsonObject } from '@portico/types';
import { actorOf, markAudited, newAuditRecord, requestFacts } from './auditRecord';
import { auditLogServiceRef, type AuditLog } from './AuditLog';

/** The caller of a request, read once per request; never throws (unreadable credentials: unknown actor). */
const callers = new WeakMap<Request, Promise<Credentials | undefined>>();
function callerOf(httpAuth: HttpAuthService, req: Request): Promise<Credentials | undefined> {
  let caller = callers.get(req);
  if (!caller) {
    caller = httpAuth.credentials(req).then(
      credentials => credentials as Credentials,
      () => undefined,
    );
    callers.set(req, caller);
  }
  return caller;
}

function errorMeta(error: unknown): JsonObject {
  const status = statusCodeOf(error);
  if (!isError(error)) return { error: { name: 'Error' } };
  // A server error's message may name hosts, files or data: only its kind is recorded.
  return { error: status >= 500 ? { name: error.name } : { name: error.name, message: error.message } };
}

/** Creates the auditor of one plugin: events carry the plugin id, the actor read from the request, the outcome. */
export function createAuditor(options: { pluginId: string; httpAuth: HttpAuthService; auditLog: AuditLog }): AuditorService {
  const { pluginId, httpAuth, auditLog } = options;
  return {
    async createEvent(event: AuditEventOptions) {
      const credentials = event.request ? await callerOf(httpAuth, event.request) : undefined;
      const actor = event.request ? actorOf(credentials) : { actor: `plugin:${pluginId}`, actorType: 'service' as const };
      const base = {
        plugin: pluginId,
        action: event.action,
        ...actor,
        ...(event.resourceRef ? { resourceRef: event.resourceRef } : {}),
        severity: event.severity ?? 'low',
        ...requestFacts(event.request),
      };
      let ended = false;
      const end = async (fields: { outcome: 'succeeded' | 'failed' | 'denied'; status?: number; meta?: JsonObject }) => {
        if (ended) return;
        ended = true;
        try {
          await auditLog.write(newAuditRecord({ ...base, ...fields, meta: { ...event.meta, ...fields.meta } }));
        } catch {
          // AuditLog.write logs its own failures; an audit event never breaks the request it describes.
        }
      };
      return {
        success: async ({ meta } = {}) => end({ outcome: 'succeeded', meta }),
        fail: async ({ error, meta }) => {
          markAudited(error);
          const status = statusCodeOf(error);
          await end({
            outcome: status === 401 || status === 403 ? 'denied' : 'failed',
            status,
            meta: { ...errorMeta(error), ...meta },
          });
        },
      };
    },
  };
}

/** `coreServices.auditor`: each plugin's events, written to the audit plugin's database (and the log). */
export const auditorServiceFactory = createServiceFactory({
  service: coreServices.auditor,
  deps: { pluginMetadata: coreServices.pluginMetadata, httpAuth: coreServices.httpAuth },
  rootDeps: { auditLog: auditLogServiceRef },
  createRootContext: ({ auditLog }) => auditLog,
  factory: ({ pluginMetadata, httpAuth }, auditLog: AuditLog) => createAuditor({ pluginId: pluginMetadata.getId(), httpAuth, auditLog }),
});
