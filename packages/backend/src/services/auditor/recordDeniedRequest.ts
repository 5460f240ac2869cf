import type { Express, Request } from 'express';
import { isError } from '@portico/errors';
import type { AuditLog } from './AuditLog';
import { newAuditRecord, requestFacts, wasAudited } from './auditRecord';

const AUDIT_LOG = Symbol.for('portico.auditLog');

/** Lets the host's error handler find the audit log of the app it serves. */
export function attachAuditLog(app: Express, auditLog: AuditLog): void {
  (app.locals as Record<symbol, unknown>)[AUDIT_LOG] = auditLog;
}

/**
 * Records a 401 or 403 answer the host sends (missing or bad credentials, CSRF, default deny), unless the
 * plugin's auditor already recorded that error. Never throws and never delays the answer.
 */
export function recordDeniedRequest(req: Request, status: number, error: unknown): void {
  if ((status !== 401 && status !== 403) || wasAudited(error)) return;
  const auditLog = (req.app?.locals as Record<symbol, AuditLog | undefined> | undefined)?.[AUDIT_LOG];
  if (!auditLog) return;
  const path = (req.originalUrl ?? req.url ?? '').split('?')[0];
  const plugin = /^\/api\/([a-z][a-z0-9-]*)/.exec(path)?.[1] ?? 'host';
  const record = newAuditRecord({
    plugin,
    action: status === 401 ? 'http.request.unauthenticated' : 'http.request.forbidden',
    actor: 'unknown',
    actorType: 'unknown',
    outcome: 'denied',
    severity: 'medium',
    status,
    ...requestFacts(req),
    meta: { error: isError(error) ? { name: error.name, message: error.message } : { name: 'Error' } },
  });
  void auditLog.write(record).catch(() => undefined);
}
