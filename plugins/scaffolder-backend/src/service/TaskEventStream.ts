import type { Request, Response } from 'express';
import type { SerializedTaskEvent } from '@portico/plugin-scaffolder-common';
import type { TaskEventFeed, TaskEventsPayload } from './TaskEventFeed';

const ENDED = ['completed', 'failed', 'cancelled'];
const KEEP_ALIVE_MS = 15_000;

export interface TaskEventStreamOptions {
  /** The run's stored events after an id, and the run's status. */
  source: { events(taskId: string, after: number): Promise<SerializedTaskEvent[]>; status(taskId: string): Promise<string> };
  feed: TaskEventFeed;
  taskId: string;
  /** Write the events after this id (`after`, or the browser's `Last-Event-ID`). */
  after: number;
  /** The slow safety re-read of the database, in case an announcement was lost. */
  rereadMs: number;
}

/**
 * Server-sent events of one run: its stored events after `after`, then each batch as it is announced
 * (TaskEventFeed), on whichever instance the run executes. Every id is written once and in order: an
 * announcement whose `previousId` is past the last id written means some were missed, and those are read from
 * the database first. Ends after the completion event of a run that has ended.
 */
export async function streamTaskEvents(req: Request, res: Response, options: TaskEventStreamOptions): Promise<void> {
  const { source, feed, taskId } = options;
  res.status(200);
  res.set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
  res.flushHeaders();

  let last = options.after;
  let lastWrite = Date.now();
  let done = false;
  let finish!: () => void;
  const finished = new Promise<void>(resolve => (finish = resolve));
  const end = () => {
    if (done) return;
    done = true;
    finish();
  };
  req.on('close', end);
  let lastType: string | undefined;
  let endCheck: NodeJS.Timeout | undefined;

  /** Writes the events not written yet; a completion of a run that has ended closes the stream. */
  const write = async (events: SerializedTaskEvent[]) => {
    let wrote: SerializedTaskEvent | undefined;
    for (const event of events) {
      if (done || event.id <= last) continue;
      res.write(`event: ${event.type}\nid: ${event.id}\ndata: ${JSON.stringify(event)}\n\n`);
      last = event.id;
      wrote = event;
    }
    if (wrote) {
      lastWrite = Date.now();
      lastType = wrote.type;
      if (lastType === 'completion') await checkEnded(100);
    }
  };
  // A retried run has the completion event of its earlier attempt, and the status is written just after the
  // event: end once the run has ended, looking again a little later while the last event is still a completion.
  const checkEnded = async (retryMs: number) => {
    if (endCheck) clearTimeout(endCheck);
    if (ENDED.includes(await source.status(taskId))) return end();
    endCheck = setTimeout(() => enqueue(() => (lastType === 'completion' ? checkEnded(Math.min(retryMs * 2, 2000)) : Promise.resolve())), retryMs);
  };
  const reread = async () => write(await source.events(taskId, last));
  const onAnnounced = async (payload: TaskEventsPayload) => {
    if (payload.lastId <= last) return; // written already
    if (payload.events && payload.previousId <= last) await write(payload.events);
    else await reread(); // some were missed, or the batch was too large to carry
  };

  // One thing at a time, in arrival order, so that reads and announcements never interleave their writes.
  let queue: Promise<void> = Promise.resolve();
  const enqueue = (work: () => Promise<void>) => {
    queue = queue.then(() => (done ? undefined : work())).catch(() => end());
  };
  // Listening before the first read: what is committed meanwhile is announced, and deduplicated by id.
  const unlisten = feed.listen(taskId, payload => enqueue(() => onAnnounced(payload)));
  let rereadDue = Date.now() + options.rereadMs;
  const timer = setInterval(() => {
    if (Date.now() >= rereadDue) {
      rereadDue = Date.now() + options.rereadMs;
      enqueue(reread);
    }
    if (!done && Date.now() - lastWrite > KEEP_ALIVE_MS) {
      res.write(': keep-alive\n\n');
      lastWrite = Date.now();
    }
  }, Math.max(50, Math.min(options.rereadMs, 1000)));
  enqueue(reread);
  try {
    await finished;
  } finally {
    unlisten();
    clearInterval(timer);
    if (endCheck) clearTimeout(endCheck);
    await queue;
    res.end();
  }
}
