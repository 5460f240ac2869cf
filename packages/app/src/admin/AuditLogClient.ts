import { createPluginHttpClient, type DiscoveryApi, type FetchApi, type PluginHttpClient } from '@portico/frontend-plugin-api';
import type { AuditEventRecord } from '@portico/permission-common';

/** What `GET /api/audit/events` filters on; every field is optional. */
export interface AuditEventFilter {
  /** A user or service ref: `user:default/jane`. */
  actor?: string;
  /** An action, or a prefix ending in `*`: `catalog.*`. */
  action?: string;
  /** A resource ref: `role:catalog-editors`. */
  resource?: string;
  outcome?: AuditEventRecord['outcome'];
  /** ISO 8601: only events at or after it. */
  since?: string;
}

/** One page of the audit log, newest first. */
export interface AuditEventPage {
  items: AuditEventRecord[];
  /** Set when older events remain: pass it as `cursor` for the next page. */
  nextCursor?: string;
}

/** The audit log at `/api/audit` (the host's built-in audit plugin). */
export class AuditLogClient {
  private readonly http: PluginHttpClient;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.http = createPluginHttpClient({ pluginId: 'audit', ...options });
  }

  queryEvents(options: { filter?: AuditEventFilter; cursor?: string; limit?: number } = {}): Promise<AuditEventPage> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(options.filter ?? {})) {
      if (value) params.set(key, value);
    }
    if (options.cursor) params.set('cursor', options.cursor);
    if (options.limit) params.set('limit', String(options.limit));
    const query = params.toString();
    return this.http.request(`/events${query ? `?${query}` : ''}`);
  }
}
