export type HealthStatus = 'ok' | 'degraded' | 'down';

export interface HealthCheckResult {
  status: HealthStatus;
  message?: string;
  details?: Record<string, unknown>;
}

/** Lets a plugin report its own health in `GET /readyz`. */
export interface HealthService {
  addCheck(name: string, check: () => Promise<HealthCheckResult>): void;
}

export type PluginStartupStatus = 'pending' | 'started' | 'failed' | 'skipped';

export interface ReadinessReport {
  status: 'ready' | 'starting' | 'failed';
  plugins: Record<string, { status: PluginStartupStatus; error?: string; checks?: Record<string, HealthCheckResult> }>;
}

/** Host-wide health: liveness and readiness. */
export interface RootHealthService {
  getLiveness(): Promise<{ status: 'ok' }>;
  getReadiness(): Promise<ReadinessReport>;
}
