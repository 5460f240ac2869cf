import type { LoggerService } from '@portico/backend-plugin-api';

/** Entities re-evaluated in one pass at most: a 20,000-entity first ingestion is done in slices of this. */
export const MAX_EVALUATION_BATCH = 2000;

/**
 * Collects entity refs that changed and re-evaluates them in batches shortly after (`delayMs`),
 * one batch at a time (at most MAX_EVALUATION_BATCH refs each), so a burst of changes costs few passes.
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
    private readonly maxBatch = MAX_EVALUATION_BATCH,
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
      for (let i = 0; i < batch.length; i += this.maxBatch) {
        if (this.stopped) return;
        const slice = batch.slice(i, i + this.maxBatch);
        try {
          await this.process(slice);
        } catch (error) {
          // one failed slice does not stop the others
          this.logger.error(`Re-evaluating ${slice.length} changed entities failed`, error instanceof Error ? error : { error: String(error) });
        }
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
