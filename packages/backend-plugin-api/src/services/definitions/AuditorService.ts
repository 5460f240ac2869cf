import type { Request } from 'express';
import type { JsonObject } from '@portico/types';

export type AuditSeverity = 'low' | 'medium' | 'high' | 'critical';

export interface AuditEventOptions {
  /** What was attempted, usually the permission name: `catalog.entity.delete`, `scaffolder.approval.decide`. */
  action: string;
  /** What it was done to: an entity ref, a task id, a location id. */
  resourceRef?: string;
  severity?: AuditSeverity;
  /** The incoming request: the actor, request id and path are read from it. */
  request?: Request;
  /** Extra facts; values under keys that look secret (token, secret, password, authorization...) are redacted. */
  meta?: JsonObject;
}

/** An audit event started with `createEvent`: end it with its outcome. */
export interface AuditEvent {
  success(options?: { meta?: JsonObject }): Promise<void>;
  fail(options: { error: unknown; meta?: JsonObject }): Promise<void>;
}

/**
 * Records who did what to which resource, and how it ended (plugin scope; the plugin id is recorded).
 * Stored in the database (`GET /api/audit/events`) and optionally written to the log. Denied requests
 * (401/403) are recorded by the host without the plugin's help.
 */
export interface AuditorService {
  createEvent(options: AuditEventOptions): Promise<AuditEvent>;
}

/**
 * Runs `change` inside an audit event: started before it, ended with its outcome (the error is rethrown).
 * Without an auditor (a router built bare in a test) it only runs `change`.
 * @example
 * return audited(auditor, { action: 'catalog.location.delete', resourceRef: id, request: req }, () => catalog.deleteLocation(id));
 */
export async function audited<T>(auditor: AuditorService | undefined, event: AuditEventOptions, change: () => Promise<T>): Promise<T> {
  const recorded = await auditor?.createEvent(event);
  try {
    const result = await change();
    await recorded?.success();
    return result;
  } catch (error) {
    await recorded?.fail({ error });
    throw error;
  }
}
