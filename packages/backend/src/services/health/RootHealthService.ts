import { createServiceRef, type HealthCheckResult } from '@portico/backend-plugin-api';

export type PluginStartupStatus = 'pending' | 'started' | 'failed' | 'skipped';

/** The body of `GET /readyz`. */
export interface ReadinessReport {
  /** `unavailable`: started, but the database does not answer (a load balancer sends traffic elsewhere). */
  status: 'ready' | 'starting' | 'failed' | 'unavailable';
  /** PostgreSQL's reachability, checked on each call with a 1.5 s limit (absent on SQLite). */
  database?: { status: 'up' | 'down'; message?: string };
  plugins: Record<string, { status: PluginStartupStatus; error?: string; checks?: Record<string, HealthCheckResult> }>;
}

/** Host-wide health: liveness and readiness. Read by the host's health routes; plugins report through `coreServices.health`. */
export interface RootHealthService {
  getLiveness(): Promise<{ status: 'ok' }>;
  getReadiness(): Promise<ReadinessReport>;
}

export const rootHealthServiceRef = createServiceRef<RootHealthService>({ id: 'core.rootHealth', scope: 'root' });
