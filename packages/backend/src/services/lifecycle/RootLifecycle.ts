import type { LifecycleHookOptions, LoggerService } from '@portico/backend-plugin-api';
import type { RootLifecycleService } from './RootLifecycleService';

type Hook = { fn: () => void | Promise<void>; label: string };

/**
 * Startup hooks run in order once every plugin has initialised and the server listens;
 * shutdown hooks run in reverse order of registration, each failure logged, never thrown.
 */
export class RootLifecycle implements RootLifecycleService {
  private readonly startupHooks: Hook[] = [];
  private readonly shutdownHooks: Hook[] = [];
  private started = false;
  private shutdownPromise?: Promise<void>;

  constructor(private readonly logger: LoggerService) {}

  addStartupHook(fn: () => void | Promise<void>, options?: LifecycleHookOptions): void {
    const hook = { fn, label: options?.label ?? 'startup hook' };
    if (!this.started) {
      this.startupHooks.push(hook);
      return;
    }
    // Added after startup: run it now rather than never.
    Promise.resolve()
      .then(fn)
      .catch(error => this.logger.error(`Startup hook '${hook.label}' failed: ${(error as Error)?.message ?? error}`));
  }

  addShutdownHook(fn: () => void | Promise<void>, options?: LifecycleHookOptions): void {
    this.shutdownHooks.push({ fn, label: options?.label ?? 'shutdown hook' });
  }

  async startup(): Promise<void> {
    if (this.started) return;
    this.started = true;
    for (const hook of this.startupHooks) {
      try {
        await hook.fn();
      } catch (error) {
        throw new Error(`Startup hook '${hook.label}' failed: ${(error as Error)?.message ?? error}`, { cause: error });
      }
    }
  }

  shutdown(logger: LoggerService = this.logger): Promise<void> {
    this.shutdownPromise ??= (async () => {
      for (const hook of [...this.shutdownHooks].reverse()) {
        try {
          await hook.fn();
        } catch (error) {
          logger.error(`Shutdown hook '${hook.label}' failed: ${(error as Error)?.message ?? error}`);
        }
      }
    })();
    return this.shutdownPromise;
  }
}
