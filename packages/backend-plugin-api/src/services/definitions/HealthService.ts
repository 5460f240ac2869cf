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

/**
 * The health of an integration with several targets (sites, accounts, hosts), for `/readyz`: every target probed at
 * once; `down` when one probe fails (its details then carry the error's message), `degraded` when a probe says so,
 * else `ok`; `message` explains anything but `ok`.
 */
export async function healthOfEach<T>(options: {
  targets: readonly T[];
  /** The key of a target in `details` (a host, an account id). */
  keyOf: (target: T) => string;
  /** What the target answered, for `details`; throws when it is not usable. */
  probe: (target: T) => Promise<{ details: Record<string, unknown>; degraded?: boolean }>;
  /** The error message shown for a failed probe (default: the error's own). */
  describeError?: (error: unknown, target: T) => string;
  /** Said when the status is not `ok`, e.g. 'Jira is not fully usable; see details per site'. */
  message: string;
}): Promise<HealthCheckResult> {
  const details: Record<string, unknown> = {};
  let down = false;
  let degraded = false;
  await Promise.all(
    options.targets.map(async target => {
      try {
        const answer = await options.probe(target);
        details[options.keyOf(target)] = answer.details;
        degraded ||= answer.degraded === true;
      } catch (error) {
        down = true;
        details[options.keyOf(target)] = { error: options.describeError ? options.describeError(error, target) : (error as Error).message };
      }
    }),
  );
  const status: HealthStatus = down ? 'down' : degraded ? 'degraded' : 'ok';
  return { status, details, ...(status === 'ok' ? {} : { message: options.message }) };
}
