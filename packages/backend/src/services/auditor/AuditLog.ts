import { coreServices, createServiceFactory, createServiceRef, type LoggerService } from '@portico/backend-plugin-api';
import type { AuditEventRecord } from '@portico/permission-common';
import { hostHttpServerServiceRef } from '../rootHttpRouter/hostHttpServerServiceFactory';
import type { AuditStore } from './AuditStore';
import { attachAuditLog } from './recordDeniedRequest';

/** Events written before the audit plugin has opened its store are kept (up to this many) and written then. */
const MAX_PENDING = 1_000;

/**
 * Host-internal (root): where every plugin's auditor writes. The built-in audit plugin hands it its store;
 * with `backend.auditor.log: true` each event is also a JSON line in the log. Writing never throws.
 */
export class AuditLog {
  private store?: AuditStore;
  private pending: AuditEventRecord[] = [];
  private dropped = 0;

  constructor(
    private readonly logger: LoggerService,
    private readonly options: { log: boolean },
  ) {}

  /** Called once by the audit plugin's init. */
  async setStore(store: AuditStore): Promise<void> {
    this.store = store;
    const pending = this.pending;
    this.pending = [];
    if (this.dropped > 0) this.logger.warn(`${this.dropped} audit events from before the audit store opened were dropped`);
    for (const event of pending) await this.write(event);
  }

  /** Whether events go anywhere (a store is set, or will be, or they are logged). */
  async write(event: AuditEventRecord): Promise<void> {
    if (this.options.log) this.logger.info(`audit ${event.action} ${event.outcome}`, { audit: event });
    if (!this.store) {
      if (this.pending.length < MAX_PENDING) this.pending.push(event);
      else this.dropped++;
      return;
    }
    try {
      await this.store.insert(event);
    } catch (error) {
      this.logger.error(`Writing the audit event '${event.action}' (${event.outcome}) failed: ${(error as Error)?.message ?? error}`, {
        audit: event,
      });
    }
  }
}

export const auditLogServiceRef = createServiceRef<AuditLog>({ id: 'core.internal.auditLog', scope: 'root' });

export const auditLogServiceFactory = createServiceFactory({
  service: auditLogServiceRef,
  deps: { config: coreServices.rootConfig, logger: coreServices.rootLogger, server: hostHttpServerServiceRef },
  factory: ({ config, logger, server }) => {
    const auditLog = new AuditLog(logger.child({ service: 'audit' }), { log: config.getOptionalBoolean('backend.auditor.log') ?? false });
    // The host's error handler records 401/403 answers through it.
    attachAuditLog(server.app, auditLog);
    return auditLog;
  },
});
