import { EventEmitter } from 'node:events';
import type { Request, Response } from 'express';
import type { SerializedTaskEvent } from '@portico/plugin-scaffolder-common';
import { silentLogger } from '../__testUtils__/engineTestHarness';
import { TaskEventFeed } from './TaskEventFeed';
import { streamTaskEvents } from './TaskEventStream';

const event = (id: number, type: SerializedTaskEvent['type'] = 'log'): SerializedTaskEvent => ({
  id,
  taskId: 't1',
  type,
  createdAt: new Date(0).toISOString(),
  body: { message: `event ${id}`, ...(type === 'completion' ? { status: 'completed' } : {}) },
});

/** A stored run and a response that records what the stream wrote. */
function setUp(stored: SerializedTaskEvent[], status = 'processing') {
  const db = { stored, status, reads: 0 };
  const source = {
    async events(_taskId: string, after: number) {
      db.reads++;
      return db.stored.filter(e => e.id > after);
    },
    async status() {
      return db.status;
    },
  };
  const written: number[] = [];
  const req = new EventEmitter() as unknown as Request;
  const res = {
    status() {
      return res;
    },
    set() {
      return res;
    },
    flushHeaders() {},
    write(chunk: string) {
      const id = /\nid: (\d+)\n/.exec(chunk);
      if (id) written.push(Number(id[1]));
      return true;
    },
    end() {},
  } as unknown as Response;
  const feed = new TaskEventFeed({ logger: silentLogger });
  return { db, source, feed, req, res, written };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 400 && !check(); i++) await new Promise(r => setTimeout(r, 5));
  expect(check()).toBe(true);
};

describe('a run event stream', () => {
  it('writes the stored events, then announced ones, each once and in order, and reads a gap from the database', async () => {
    const { db, source, feed, req, res, written } = setUp([event(3), event(5)]);
    const streaming = streamTaskEvents(req, res, { source, feed, taskId: 't1', after: 0, rereadMs: 3_600_000 });
    await until(() => written.length === 2);
    const readsAfterReplay = db.reads;

    // The next batch, announced with the events: written without reading the database.
    db.stored.push(event(8), event(9));
    feed.announce({ taskId: 't1', previousId: 5, events: [event(8), event(9)] });
    await until(() => written.length === 4);
    expect(db.reads).toBe(readsAfterReplay);

    // Announced again (at-least-once): nothing written twice.
    feed.announce({ taskId: 't1', previousId: 5, events: [event(8), event(9)] });
    // Another run's events are not this stream's.
    feed.announce({ taskId: 't2', previousId: 0, events: [{ ...event(10), taskId: 't2' }] });

    // 12's announcement was lost: 14's says the event before it is 12, so 12 is read from the database.
    db.stored.push(event(12), event(14, 'completion'));
    db.status = 'completed';
    feed.announce({ taskId: 't1', previousId: 12, events: [event(14, 'completion')] });
    await streaming;
    expect(written).toEqual([3, 5, 8, 9, 12, 14]);
    expect(db.reads).toBe(readsAfterReplay + 1);
  });

  it('resumes after Last-Event-ID and ends at the completion once the run has ended', async () => {
    const { source, feed, req, res, written, db } = setUp([event(1), event(2), event(3, 'completion')]);
    const streaming = streamTaskEvents(req, res, { source, feed, taskId: 't1', after: 1, rereadMs: 3_600_000 });
    await until(() => written.length === 2);
    // The completion event is written just before the status: the stream waits for the status.
    db.status = 'completed';
    await streaming;
    expect(written).toEqual([2, 3]);
  });

  it('finds what a lost announcement carried with its slow re-read', async () => {
    const { source, feed, req, res, written, db } = setUp([event(1)]);
    const streaming = streamTaskEvents(req, res, { source, feed, taskId: 't1', after: 0, rereadMs: 100 });
    await until(() => written.length === 1);
    db.stored.push(event(2), event(3, 'completion'));
    db.status = 'failed';
    await streaming;
    expect(written).toEqual([1, 2, 3]);
  });

  it('stops when the client goes away', async () => {
    const { source, feed, req, res, written } = setUp([event(1)]);
    const streaming = streamTaskEvents(req, res, { source, feed, taskId: 't1', after: 0, rereadMs: 3_600_000 });
    await until(() => written.length === 1);
    (req as unknown as EventEmitter).emit('close');
    await streaming;
    feed.announce({ taskId: 't1', previousId: 1, events: [event(2)] });
    expect(written).toEqual([1]);
  });
});
