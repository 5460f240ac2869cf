import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { isPgReachable } from '@portico/test-utils';
import { PgOutage } from './pgOutage';
import { freePort, startInstance, waitFor, type PorticoInstance } from './porticoInstance';

jest.setTimeout(180_000);

if (!isPgReachable()) throw new Error('this test breaks PostgreSQL connections, and PostgreSQL is unreachable');

/** Steps in order; each leaves a trace the test counts (a log line, a workspace file, a call to the fake endpoint). */
const STEPS = ['write', 'call-a', 'list', 'call-b', 'log'];

const template = (vendor: string) => `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: { name: outage-run, title: Outage run }
spec:
  owner: group:default/platform
  type: service
  steps:
    - { id: write, action: fetch:template, input: { url: ./skeleton, values: { name: outage } } }
    - id: call-a
      action: http:request
      input: { method: POST, url: '${vendor}/call-a', body: { step: call-a } }
    - { id: list, action: debug:log, input: { message: 'trace list', listWorkspace: true } }
    - id: call-b
      action: http:request
      input: { method: POST, url: '${vendor}/call-b', body: { after: '\${{ steps["call-a"].output.body.answer }}' } }
    - { id: log, action: debug:log, input: { message: 'trace log' } }
  output:
    answer: '\${{ steps["call-b"].output.body.answer }}'
`;

interface RunEvent {
  id: number;
  type: string;
  body: { message: string; stepId?: string; status?: string };
}

describe('PostgreSQL cut during a scaffolder run', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-pg-run-'));
  let pg: PgOutage | undefined;
  let instance: PorticoInstance | undefined;
  let vendor: http.Server | undefined;

  afterAll(async () => {
    await instance?.stop();
    await pg?.destroy();
    vendor?.closeAllConnections();
    await new Promise(resolve => vendor?.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('completes the run with every step once and an event log without gaps or repeats', async () => {
    // A vendor that counts calls per step; the first call of call-a is held until the test has cut the database.
    const calls = new Map<string, number>();
    let releaseCallA: (() => void) | undefined;
    const callAArrived = new Promise<void>(arrived => {
      vendor = http.createServer((req, res) => {
        const step = (req.url ?? '').slice(1);
        calls.set(step, (calls.get(step) ?? 0) + 1);
        const answer = () => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ answer: `${step}-done` }));
        };
        if (step === 'call-a' && calls.get(step) === 1) {
          releaseCallA = answer;
          arrived();
        } else {
          answer();
        }
      });
    });
    const vendorPort = await freePort();
    await new Promise<void>(resolve => vendor!.listen(vendorPort, '127.0.0.1', resolve));

    fs.mkdirSync(path.join(dir, 'skeleton'));
    fs.writeFileSync(path.join(dir, 'skeleton', 'written-by-write.txt'), 'made by ${{ values.name }}\n');
    fs.writeFileSync(path.join(dir, 'template.yaml'), template(`http://127.0.0.1:${vendorPort}`));

    pg = await PgOutage.create();
    await pg.db.knex.destroy();
    instance = await startInstance({
      database: { client: 'pg', connection: pg.connection },
      config: {
        backend: { plugins: ['@portico/plugin-catalog-backend', '@portico/plugin-scaffolder-backend'] },
        integrations: { file: { roots: [dir] } },
        catalog: { locations: [{ type: 'file', target: path.join(dir, 'template.yaml') }] },
        // an abandoned run is noticed after 10 s: longer than the outage below, short enough for a test
        scaffolder: { http: { allowedHosts: [`127.0.0.1:${vendorPort}`] }, staleAfter: 'PT10S', pollInterval: 'PT0.2S' },
      },
    });
    await waitFor('the template in the catalog', async () => (await instance!.call('GET', '/api/catalog/entities/by-name/template/default/outage-run')).status === 200);
    const created = await instance.call('POST', '/api/scaffolder/v2/tasks', { templateRef: 'template:default/outage-run', values: {} });
    expect(created.status).toBe(201);
    const taskId: string = created.body.id;

    await callAArrived;
    const before = instance.output().length;
    // the cut, while call-a's request is out: the port closes, every session is terminated, new ones are refused
    await pg.cut();
    releaseCallA!();
    await waitFor('not ready', async () => (await fetch(`${instance!.url}/readyz`)).status === 503, 5_000);
    await waitFor('the run to meet the outage', () => instance!.output().slice(before).includes(taskId), 20_000);

    await pg.restore();
    await waitFor('ready again', async () => (await fetch(`${instance!.url}/readyz`)).status === 200);

    const task = await waitFor(
      'the run to finish',
      async () => {
        const res = await instance!.call('GET', `/api/scaffolder/v2/tasks/${taskId}`);
        return ['completed', 'failed', 'cancelled'].includes(res.body.status) ? res.body : undefined;
      },
      40_000,
    );
    const events: RunEvent[] = (await instance.call('GET', `/api/scaffolder/v2/tasks/${taskId}/events`)).body;
    expect({ status: task.status, error: task.error }).toEqual({ status: 'completed', error: undefined });
    expect(task.output).toEqual({ answer: 'call-b-done' });

    // no step lost, none run twice: each call once, each step begun and finished once, in order
    expect(Object.fromEntries(calls)).toEqual({ 'call-a': 1, 'call-b': 1 });
    const begun = events.filter(e => e.type === 'step' && e.body.status === 'processing').map(e => e.body.stepId);
    const finished = events.filter(e => e.type === 'step' && e.body.status === 'completed').map(e => e.body.stepId);
    expect({ begun, finished }).toEqual({ begun: STEPS, finished: STEPS });
    expect(task.steps.map((s: { id?: string; stepId?: string; status: string }) => s.status)).toEqual(STEPS.map(() => 'completed'));
    // each step's trace once: the file the first step wrote is in the workspace the third lists, and the log lines
    const messages = events.map(e => e.body.message);
    expect(messages.filter(m => m.startsWith('Workspace:') && m.split('\n').includes('written-by-write.txt'))).toHaveLength(1);
    expect(messages.filter(m => m === 'trace list')).toHaveLength(1);
    expect(messages.filter(m => m === 'trace log')).toHaveLength(1);
    expect(messages.filter(m => m === `POST http://127.0.0.1:${vendorPort}/call-a`)).toHaveLength(1);
    expect(messages.filter(m => m === 'Answered 200')).toHaveLength(2);
    expect(events.filter(e => e.type === 'completion')).toHaveLength(1);
    // the event log: ids strictly increasing, each once (what a client resuming with Last-Event-ID relies on)
    const ids = events.map(e => e.id);
    expect(ids).toEqual([...new Set(ids)].sort((a, b) => a - b));
  });
});
