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
