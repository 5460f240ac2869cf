import type { LoggerService } from '@portico/backend-plugin-api';

/**
 * Collects entity refs that changed and re-evaluates them in batches shortly after (`delayMs`),
 * one batch at a time, so a burst of changes costs one pass.
 */
export class EvaluationQueue {
  private pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly process: (entityRefs: string[]) => Promise<void>,
    private readonly logger: LoggerService,
    private readonly delayMs = 100,
  ) {}

  enqueue(entityRefs: Iterable<string>): void {
    if (this.stopped) return;
    for (const ref of entityRefs) this.pending.add(ref);
    if (this.pending.size > 0 && !this.timer) this.timer = setTimeout(() => void this.drain(), this.delayMs);
  }

  private drain(): Promise<void> {
    this.timer = undefined;
    const batch = [...this.pending];
    this.pending.clear();
    if (batch.length === 0) return this.running;
    this.running = this.running.then(async () => {
      try {
        await this.process(batch);
      } catch (error) {
        this.logger.error(`Re-evaluating ${batch.length} changed entities failed`, error instanceof Error ? error : { error: String(error) });
      }
    });
    return this.running;
  }

  /** Processes whatever is pending now and waits until the queue is idle. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    await this.drain();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }
}
