import type { EventsService, LoggerService } from '@portico/backend-plugin-api';
import type { WrittenEvents } from '../database/TaskStore';

/** The topic on which every instance hears of the run events another one committed. */
export const TASK_EVENTS_TOPIC = 'scaffolder.task.events';
/** Above this many bytes of JSON the announcement carries ids only, and the streams read the events from the database. */
const MAX_INLINE_BYTES = 32 * 1024;

/**
 * The payload of `scaffolder.task.events`: a batch of one run's events, just committed. `previousId` is the
 * run's event before the batch (0: none); `lastId` the newest in it; `events` is left out when they are large.
 */
export interface TaskEventsPayload {
  taskId: string;
  previousId: number;
  lastId: number;
  events?: WrittenEvents['events'];
}

type Listener = (payload: TaskEventsPayload) => void;

/**
 * Carries committed run events to the live streams of every instance through the events service (on
 * PostgreSQL: to every instance; on SQLite: in the process). Announcements are a hint: the events are rows of
 * scaffolder_task_events, which a stream reads when it finds a gap, so a lost announcement delays, never loses.
 */
export class TaskEventFeed {
  private readonly listeners = new Map<string, Set<Listener>>();
  private publishing: Promise<void> = Promise.resolve();
  private pending = 0;

  constructor(private readonly options: { events?: EventsService; logger: LoggerService }) {}

  /** Subscribes this instance (once, at start): every instance hears every run's events. */
  async start(): Promise<void> {
    await this.options.events?.subscribe({
      id: 'scaffolder-task-streams',
      topics: [TASK_EVENTS_TOPIC],
      delivery: 'every-instance',
      onEvent: ({ payload }) => this.dispatch(payload as TaskEventsPayload),
    });
  }

  /** Announces committed events (called by the TaskStore after each commit); never blocks the writer. */
  announce(written: WrittenEvents): void {
    if (written.events.length === 0) return;
    const lastId = written.events[written.events.length - 1].id;
    let payload: TaskEventsPayload = { taskId: written.taskId, previousId: written.previousId, lastId, events: written.events };
    if (JSON.stringify(payload.events).length > MAX_INLINE_BYTES) payload = { taskId: written.taskId, previousId: written.previousId, lastId };
    const { events } = this.options;
    if (!events) {
      this.dispatch(payload);
      return;
    }
    // In order, one at a time; when the events service falls behind, older announcements are dropped (the streams re-read).
    if (this.pending > 1000) return;
    this.pending++;
    this.publishing = this.publishing
      .then(() => events.publish({ topic: TASK_EVENTS_TOPIC, payload }))
      .catch(error => this.options.logger.warn(`Could not announce events of scaffolder task ${written.taskId}: ${(error as Error)?.message ?? error}`))
      .finally(() => {
        this.pending--;
      });
  }

  /** Calls `listener` with each announcement of the run's events; returns the unsubscribe. */
  listen(taskId: string, listener: Listener): () => void {
    let set = this.listeners.get(taskId);
    if (!set) this.listeners.set(taskId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(taskId) === set) this.listeners.delete(taskId);
    };
  }

  /** Announcements still being published (tests and shutdown wait for them). */
  async settled(): Promise<void> {
    await this.publishing;
  }

  private dispatch(payload: TaskEventsPayload | undefined) {
    if (!payload || typeof payload.taskId !== 'string') return;
    for (const listener of this.listeners.get(payload.taskId) ?? []) {
      try {
        listener(payload);
      } catch (error) {
        this.options.logger.warn(`A live stream of scaffolder task ${payload.taskId} failed: ${(error as Error)?.message ?? error}`);
      }
    }
  }
}
