import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { Credentials } from '@portico/backend-plugin-api';
import type { AuditEventRecord } from '@portico/permission-common';
import type { JsonObject } from '@portico/types';
import { getRequestId } from '../../http/requestId';
import { redactMeta } from './redactMeta';

/** Errors already recorded by an auditor: the host does not record their 401/403 answer a second time. */
const auditedErrors = new WeakSet<object>();

export function markAudited(error: unknown): void {
  if (typeof error === 'object' && error !== null) auditedErrors.add(error);
}

export function wasAudited(error: unknown): boolean {
  return typeof error === 'object' && error !== null && auditedErrors.has(error);
}

/** The actor of an event, from the caller's credentials (undefined: they could not be read). */
export function actorOf(credentials: Credentials | undefined): Pick<AuditEventRecord, 'actor' | 'actorType'> {
  const principal = credentials?.principal;
  if (!principal) return { actor: 'unknown', actorType: 'unknown' };
  if (principal.type === 'user') return { actor: principal.userEntityRef, actorType: 'user' };
  if (principal.type === 'service') return { actor: principal.subject, actorType: 'service' };
  return { actor: 'anonymous', actorType: 'none' };
}

/** Method, path (never the query string: it may carry secrets) and request id of a request. */
export function requestFacts(req: Request | undefined): Pick<AuditEventRecord, 'method' | 'path' | 'requestId'> {
  if (!req) return {};
  const requestId = getRequestId(req);
  return {
    method: req.method,
    path: (req.originalUrl ?? req.url ?? '').split('?')[0],
    ...(requestId ? { requestId } : {}),
  };
}

/** A new event record: id and time now, meta redacted. */
export function newAuditRecord(
  fields: Omit<AuditEventRecord, 'id' | 'time' | 'meta'> & { meta?: JsonObject },
): AuditEventRecord {
  const { meta, ...rest } = fields;
  const redacted = meta ? redactMeta(meta) : undefined;
  return {
    id: randomUUID(),
    time: new Date().toISOString(),
    ...rest,
    ...(redacted && Object.keys(redacted).length > 0 ? { meta: redacted } : {}),
  };
}
