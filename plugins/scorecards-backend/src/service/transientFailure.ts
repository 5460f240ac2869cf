import { isDatabaseUnavailableError } from '@portico/backend-plugin-api';

/**
 * Whether a failed evaluation may succeed unchanged later: the database cannot be reached (a failover, a
 * restart), or the catalog answered 503 for the same reason. Such work is retried until it succeeds, not dropped.
 */
export function isTransientFailure(error: unknown): boolean {
  return isDatabaseUnavailableError(error) || (error as { statusCode?: unknown } | undefined)?.statusCode === 503;
}
