import type { LoggerService } from '@portico/backend-plugin-api';
import type { RoleStore, StoredRole } from './RoleStore';

/**
 * The stored roles in memory, so a decision never waits for the database: re-read after each edit made here
 * and every `refreshIntervalMs` (edits made by other instances).
 */
export class RoleCache {
  private roles: readonly StoredRole[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly store: RoleStore,
    private readonly logger: LoggerService,
  ) {}

  current = (): readonly StoredRole[] => this.roles;

  async refresh(): Promise<void> {
    this.roles = await this.store.list();
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => {
      this.refresh().catch(error => this.logger.warn(`Re-reading the RBAC roles failed: ${(error as Error)?.message ?? error}`));
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
