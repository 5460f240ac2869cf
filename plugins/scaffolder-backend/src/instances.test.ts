// Real `portico start` processes on one PostgreSQL database: a run's live event stream on another instance than
// the one executing it, and a run resumed by another instance after a kill -9, with its workspace.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, isPgReachable } from '@portico/test-utils';
import { spawnInstance, startInstance, waitFor, type PorticoInstance } from '../../../test/instances/porticoInstance';

jest.setTimeout(300_000);

if (!isPgReachable()) throw new Error('these tests start several instances on PostgreSQL, which is unreachable');

const template = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: two-steps
  namespace: default
spec:
  type: service
  parameters:
    - type: object
      properties:
        record: { type: string }
        gate: { type: string }
  steps:
    - id: write
      action: test:write
      input: { record: '\${{ parameters.record }}', name: step1.txt, content: from step 1 }
    - id: read
      action: test:gate
      input: { record: '\${{ parameters.record }}', gate: '\${{ parameters.gate }}', read: step1.txt }
    - id: after
      action: debug:log
      input: { message: 'step 2 read \${{ steps.read.output.read }}' }
  output:
    read: '\${{ steps.read.output.read }}'
`;

interface StreamEvent {
  event: string;
  id: number;
  data: { id: number; type: string; body: { message: string; status?: string } };
}

/** The access token the harness wrote into the instance's config file (the harness keeps it to itself). */
function tokenOf(instance: PorticoInstance): string {
  const config = JSON.parse(fs.readFileSync(path.join(instance.dataDir, `instance-${instance.port}.yaml`), 'utf8'));
  return config.backend.auth.externalAccess[0].token as string;
}

/** What a browser's EventSource does: reads the stream as it comes, with Last-Event-ID on a resume. */
function openStream(instance: PorticoInstance, taskId: string, lastEventId?: number) {
  const received: StreamEvent[] = [];
  const controller = new AbortController();
  const done = (async () => {
    const res = await fetch(`${instance.url}/api/scaffolder/v2/tasks/${taskId}/eventstream`, {
      headers: { authorization: `Bearer ${tokenOf(instance)}`, accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': String(lastEventId) } : {}) },
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const fields = Object.fromEntries(block.split('\n').filter(l => !l.startsWith(':')).map(l => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]));
        if (fields.data) received.push({ event: fields.event, id: Number(fields.id), data: JSON.parse(fields.data) });
      }
    }
    return received;
  })();
  return { received, done, close: () => controller.abort() };
}

describe('scaffolder runs across two instances on one PostgreSQL database', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-scaffolder-instances-'));
  const templateFile = path.join(dir, 'template.yaml');
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const running: PorticoInstance[] = [];

  beforeAll(async () => {
    fs.writeFileSync(templateFile, template);
    db = await createTestDatabase('pg');
  });
  afterAll(async () => {
    await Promise.all(running.map(i => i.kill()));
    await db?.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const config = (name: string, scaffolder: Record<string, unknown> = {}) => ({
    backend: { plugins: ['@portico/plugin-catalog-backend', '@portico/plugin-scaffolder-backend', path.join(__dirname, '__testUtils__', 'instanceTestActions.ts')] },
    catalog: { locations: [{ type: 'file', target: templateFile }] },
    // A workspace directory per instance, as on separate machines: only the database is shared.
    scaffolder: { workingDirectory: path.join(dir, `work-${name}`), heartbeatInterval: 200, staleAfter: 2000, pollInterval: 200, ...scaffolder },
  });
  const start = async (name: string, scaffolder?: Record<string, unknown>) => {
    const instance = await startInstance({ database: db.config, config: config(name, scaffolder) });
    running.push(instance);
    return instance;
  };
  const createRun = async (on: PorticoInstance, values: Record<string, string>) =>
    waitFor('the template in the catalog', async () => {
      const res = await on.call('POST', '/api/scaffolder/v2/tasks', { templateRef: 'template:default/two-steps', values });
      if (res.status === 404) return undefined;
      expect(res.status).toBe(201);
      return res.body.id as string;
    }, 60_000);
  const steps = async (taskId: string) =>
    new Map((await db.knex('portico_scaffolder.scaffolder_task_steps').where({ task_id: taskId })).map(r => [r.step_id as string, r.status as string]));

  it('streams a run executing on A to a client of B as it goes, each event once, and resumes after Last-Event-ID', async () => {
    const a = await start('a');
    // B claims nothing (its worker looks for work once an hour) and never re-reads on a timer: all it streams comes from events.
    const b = await start('b', { pollInterval: 3_600_000, eventStream: { rereadInterval: 3_600_000 } });
    const record = path.join(dir, 'stream-record.txt');
    const gate = path.join(dir, 'stream-gate');
    const taskId = await createRun(a, { record, gate });

    const stream = openStream(b, taskId);
    await waitFor('the stream on B to show the run waiting at the gate', () => stream.received.some(e => e.data.body.message === 'waiting at the gate'));
    const before = stream.received.length;
    fs.writeFileSync(gate, '');
    const all = await stream.done;
    expect(all.length).toBeGreaterThan(before); // what came after the gate reached B while it read nothing on its own
    expect(all[all.length - 1]).toMatchObject({ event: 'completion', data: { body: { status: 'completed' } } });

    // Every stored event, in order, each once: what the database holds is what B wrote.
    const stored = (await a.call('GET', `/api/scaffolder/v2/tasks/${taskId}/events`)).body as Array<{ id: number }>;
    expect(all.map(e => e.id)).toEqual(stored.map(e => e.id));
    expect(new Set(all.map(e => e.id)).size).toBe(all.length);
    expect(fs.readFileSync(record, 'utf8').trim().split('\n').map(l => l.split(' ')[0])).toEqual(['write', 'read']);
    const runner = Number(fs.readFileSync(record, 'utf8').split('\n')[0].split(' ')[1]);
    expect(runner).toBe(a.child.pid);

    // A reconnect with the id of the last event it saw gets the rest, and nothing before.
    const middle = all[Math.floor(all.length / 2)];
    const resumed = await openStream(b, taskId, middle.id).done;
    expect(resumed.map(e => e.id)).toEqual(stored.map(e => e.id).filter(id => id > middle.id));

    await Promise.all([a.stop(), b.stop()]);
  });

  it('resumes on B, with its workspace, a run whose instance was killed after its first step', async () => {
    const record = path.join(dir, 'kill-record.txt');
    const gate = path.join(dir, 'kill-gate');
    const a = await spawnInstance({ database: db.config, config: config('kill-a') });
    running.push(a);
    await a.waitReady();
    const taskId = await createRun(a, { record, gate });
    // Step 1 wrote its file and completed (its workspace stored with it); step 2 waits at the gate on A.
    await waitFor('step 1 completed and step 2 running on A', async () => {
      const s = await steps(taskId);
      return s.get('write') === 'completed' && s.get('read') === 'processing' && fs.existsSync(record) && fs.readFileSync(record, 'utf8').includes('read ');
    });
    const stored = await db.knex('portico_scaffolder.scaffolder_workspaces').where({ task_id: taskId }).first('step_id', 'size');
    expect(stored).toMatchObject({ step_id: 'write' });
    await a.kill();
    fs.writeFileSync(gate, '');

    const b = await start('kill-b');
    await waitFor('the run completed on B', async () => {
      const res = await b.call('GET', `/api/scaffolder/v2/tasks/${taskId}`);
      if (res.body.status === 'failed') throw new Error(`the run failed: ${res.body.error}`);
      return res.body.status === 'completed' ? res.body : undefined;
    }, 60_000).then(task => expect(task.output).toEqual({ read: 'from step 1' }));

    const lines = fs.readFileSync(record, 'utf8').trim().split('\n').map(l => l.split(' '));
    // Step 1 ran once, on A; step 2 was interrupted on A and ran again on B, where step 1's file was.
    expect(lines).toEqual([
      ['write', String(a.child.pid)],
      ['read', String(a.child.pid)],
      ['read', String(b.child.pid)],
    ]);
    const events = (await b.call('GET', `/api/scaffolder/v2/tasks/${taskId}/events`)).body as Array<{ type: string; body: { message: string } }>;
    expect(events.find(e => e.type === 'recovered')?.body.message).toBe("The worker running this task stopped; resuming from step 'read'");
    expect(events.map(e => e.body.message)).toContain('step 2 read from step 1');
    // A completed run's stored workspace is removed.
    expect(await db.knex('portico_scaffolder.scaffolder_workspaces').where({ task_id: taskId }).first()).toBeUndefined();
    await b.stop();
  });
});
