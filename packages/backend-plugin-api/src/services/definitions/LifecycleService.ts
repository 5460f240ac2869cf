export interface LifecycleHookOptions {
  /** A name for logs when the hook fails or is slow. */
  label?: string;
}

/**
 * Startup and shutdown hooks. Startup hooks run once every plugin has initialised and the
 * server listens; shutdown hooks run on SIGTERM/SIGINT after in-flight requests have finished,
 * in reverse order of registration, before databases close.
 */
export interface LifecycleService {
  addStartupHook(hook: () => void | Promise<void>, options?: LifecycleHookOptions): void;
  addShutdownHook(hook: () => void | Promise<void>, options?: LifecycleHookOptions): void;
}
