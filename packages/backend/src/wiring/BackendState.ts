import { createServiceRef, type HealthCheckResult } from '@portico/backend-plugin-api';
import type { PluginStartupStatus, ReadinessReport } from '../services/health/RootHealthService';

export type BackendPhase = 'created' | 'starting' | 'started' | 'aborted' | 'stopping' | 'stopped';

export interface PluginState {
  status: PluginStartupStatus;
  error?: string;
  /** Milliseconds the plugin's init (with its modules) took. */
  durationMs?: number;
}

const CHECK_TIMEOUT_MS = 5000;
/** How long /readyz waits for a check before it answers with the check's last result. */
const CHECK_ANSWER_MS = 1000;

/** What the host knows about its own startup: each plugin's status and health checks. */
export class BackendState {
  phase: BackendPhase = 'created';
  readonly plugins = new Map<string, PluginState>();
  private readonly checks = new Map<string, Map<string, () => Promise<HealthCheckResult>>>();
  private readonly waiters = new Map<string, Array<(state: PluginState) => void>>();
  /** The shared database's reachability (the database service registers it); gates readiness once started. */
  private databaseCheck?: () => Promise<{ status: 'up' | 'down'; message?: string } | undefined>;

  setDatabaseCheck(check: () => Promise<{ status: 'up' | 'down'; message?: string } | undefined>): void {
    this.databaseCheck = check;
  }

  setPlugin(pluginId: string, state: PluginState): void {
    this.plugins.set(pluginId, state);
    if (state.status === 'pending') return;
    const waiting = this.waiters.get(pluginId);
    this.waiters.delete(pluginId);
    for (const resolve of waiting ?? []) resolve(state);
  }

  /**
   * A plugin's state once its startup has settled (started, failed or skipped); at once when it is
   * not pending, or not known to this host.
   */
  whenSettled(pluginId: string): Promise<PluginState | undefined> {
    const state = this.plugins.get(pluginId);
    if (state?.status !== 'pending') return Promise.resolve(state);
    return new Promise(resolve => {
      const waiting = this.waiters.get(pluginId) ?? [];
      waiting.push(resolve);
      this.waiters.set(pluginId, waiting);
    });
  }

  addCheck(pluginId: string, name: string, check: () => Promise<HealthCheckResult>): void {
    const checks = this.checks.get(pluginId) ?? new Map();
    if (checks.has(name)) throw new Error(`Health check '${name}' is already registered by plugin '${pluginId}'`);
    checks.set(name, check);
    this.checks.set(pluginId, checks);
  }

  /** Per check: its last answer, and the run in progress. */
  private readonly checkRuns = new Map<string, { last?: HealthCheckResult; lastAt?: string; running?: Promise<void> }>();

  /**
   * A check's answer for /readyz within CHECK_ANSWER_MS: a check slower than that (a vendor that does not answer)
   * goes on in the background, bounded by CHECK_TIMEOUT_MS, and /readyz reports its last answer meanwhile, so a load
   * balancer's probe is never held for seconds by a slow integration.
   */
  private async checkResult(key: string, check: () => Promise<HealthCheckResult>): Promise<HealthCheckResult> {
    let run = this.checkRuns.get(key);
    if (!run) this.checkRuns.set(key, (run = {}));
    const state = run;
    state.running ??= runCheck(check).then(result => {
      state.last = result;
      state.lastAt = new Date().toISOString();
      state.running = undefined;
    });
    let timer: NodeJS.Timeout | undefined;
    const answered = await Promise.race([
      state.running.then(() => true),
      new Promise<false>(resolve => (timer = setTimeout(() => resolve(false), CHECK_ANSWER_MS))),
    ]);
    clearTimeout(timer);
    if (answered && state.last) return state.last;
    if (state.last) return { ...state.last, message: `${state.last.message ? `${state.last.message}; ` : ''}the check is running again (this is its answer of ${state.lastAt})` };
    return { status: 'degraded', message: `the check has not answered within ${CHECK_ANSWER_MS} ms; it goes on (at most ${CHECK_TIMEOUT_MS} ms)` };
  }

  /** Ready once every plugin has started or was allowed to fail. Checks are reported, not gating. */
  async getReadiness(): Promise<ReadinessReport> {
    const plugins: ReadinessReport['plugins'] = {};
    await Promise.all(
      [...this.plugins].map(async ([id, state]) => {
        const entry: ReadinessReport['plugins'][string] = { status: state.status };
        if (state.error) entry.error = state.error;
        const checks = this.checks.get(id);
        if (checks?.size) entry.checks = Object.fromEntries(await Promise.all([...checks].map(async ([name, check]) => [name, await this.checkResult(`${id}\u0000${name}`, check)] as const)));
        plugins[id] = entry;
      }),
    );
    const pending = [...this.plugins.values()].some(p => p.status === 'pending');
    const database = this.phase === 'started' ? await this.databaseCheck?.().catch(error => ({ status: 'down' as const, message: String(error?.message ?? error) })) : undefined;
    const status: ReadinessReport['status'] =
      this.phase === 'aborted'
        ? 'failed'
        : this.phase === 'started' && !pending
          ? database?.status === 'down'
            ? 'unavailable'
            : 'ready'
          : 'starting';
    return {
      status,
      ...(database ? { database } : {}),
      plugins: Object.fromEntries(Object.entries(plugins).sort(([a], [b]) => a.localeCompare(b))),
    };
  }
}

async function runCheck(check: () => Promise<HealthCheckResult>): Promise<HealthCheckResult> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      check(),
      new Promise<HealthCheckResult>(resolve => {
        timer = setTimeout(() => resolve({ status: 'down', message: `check timed out after ${CHECK_TIMEOUT_MS} ms` }), CHECK_TIMEOUT_MS);
      }),
    ]);
  } catch (error) {
    return { status: 'down', message: (error as Error)?.message ?? String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** Internal: lets the health services read and extend the host's state. */
export const backendStateServiceRef = createServiceRef<BackendState>({ id: 'core.internal.backendState', scope: 'root' });
