import { ResponseError } from '@portico/errors';
import type { SerializedTaskEvent } from '@portico/plugin-scaffolder-common';
import { MockEventSource } from '../__testUtils__/MockEventSource';
import { ScaffolderClient } from './ScaffolderClient';

function setup(answer: (url: string, init?: RequestInit) => { status?: number; body: unknown }) {
  const requests: Array<{ url: string; method?: string; body?: unknown }> = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    requests.push({ url, method: init?.method, body: init?.body ? JSON.parse(String(init.body)) : undefined });
    const { status = 200, body } = answer(url, init);
    return { ok: status < 400, status, statusText: 'Status', json: async () => body, text: async () => JSON.stringify(body) } as Response;
  };
  MockEventSource.instances = [];
  const client = new ScaffolderClient({
    discoveryApi: { getBaseUrl: async id => `http://portico/api/${id}` },
    fetchApi: { fetch: fetch as typeof globalThis.fetch },
    EventSource: MockEventSource as unknown as typeof EventSource,
  });
  return { client, requests };
}

describe('ScaffolderClient', () => {
  it('calls the v2 routes with the shapes the backend expects', async () => {
    const { client, requests } = setup(url => {
      if (url.endsWith('/v2/tasks')) return { status: 201, body: { id: 'task-1' } };
      if (url.includes('/retry')) return { status: 201, body: { id: 'task-1' } };
      if (url.endsWith('/v2/inbox')) return { body: { items: [] } };
      return { body: { status: 'ok', tasks: [], totalTasks: 0, title: 'T', steps: [] } };
    });
    await expect(client.scaffold({ templateRef: 'template:default/node', values: { name: 'x' } })).resolves.toEqual({ taskId: 'task-1' });
    await client.getTemplateParameterSchema('template:team-a/node-service');
    await client.getTemplateParameterSchema('plain-name');
    await client.listTasks({ status: ['failed', 'cancelled'], limit: 10, offset: 20 });
    await client.cancelTask('task-1');
    await expect(client.retryTask('task-1')).resolves.toEqual({ taskId: 'task-1' });
    await expect(client.getInbox()).resolves.toEqual([]);
    await client.answer({ taskId: 'task-1', stepId: 'approve', decision: 'reject', comment: 'no' });
    expect(requests).toEqual([
      { url: 'http://portico/api/scaffolder/v2/tasks', method: 'POST', body: { templateRef: 'template:default/node', values: { name: 'x' } } },
      { url: 'http://portico/api/scaffolder/v2/templates/team-a/template/node-service/parameter-schema', method: 'GET', body: undefined },
      { url: 'http://portico/api/scaffolder/v2/templates/default/template/plain-name/parameter-schema', method: 'GET', body: undefined },
      { url: 'http://portico/api/scaffolder/v2/tasks?status=failed%2Ccancelled&limit=10&offset=20', method: 'GET', body: undefined },
      { url: 'http://portico/api/scaffolder/v2/tasks/task-1/cancel', method: 'POST', body: {} },
      { url: 'http://portico/api/scaffolder/v2/tasks/task-1/retry', method: 'POST', body: {} },
      { url: 'http://portico/api/scaffolder/v2/inbox', method: 'GET', body: undefined },
      { url: 'http://portico/api/scaffolder/v2/tasks/task-1/steps/approve/reject', method: 'POST', body: { comment: 'no' } },
    ]);
  });

  it("turns the server's error body into an error with its name, message and status", async () => {
    const { client } = setup(() => ({ status: 404, body: { error: { name: 'NotFoundError', message: 'Task t not found' } } }));
    const error = await client.getTask('t').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error).toMatchObject({ message: 'NotFoundError: Task t not found', statusCode: 404 });
  });

  it('follows the event stream from a given event and stops after completion', async () => {
    const { client } = setup(() => ({ body: {} }));
    const events: SerializedTaskEvent[] = [];
    const stop = client.streamEvents({ taskId: 'task 1', after: 4, onEvent: e => events.push(e) });
    await new Promise(resolve => setTimeout(resolve, 0));
    const source = MockEventSource.latest();
    expect(source.url).toBe('http://portico/api/scaffolder/v2/tasks/task%201/eventstream?after=4');
    expect(source.withCredentials).toBe(true);
    source.emit('log', { id: 5, type: 'log', body: { message: 'hello' } });
    source.emit('completion', { id: 6, type: 'completion', body: { message: 'done' } });
    expect(events.map(e => e.id)).toEqual([5, 6]);
    expect(source.closed).toBe(true);
    stop();
  });

  it('renews the session and reopens the stream after the last event when the browser gives up on it (a 401)', async () => {
    const { client, requests } = setup(() => ({ body: { id: 'task 1', status: 'processing' } }));
    const events: SerializedTaskEvent[] = [];
    const errors: string[] = [];
    const stop = client.streamEvents({ taskId: 'task 1', onEvent: e => events.push(e), onError: e => errors.push(e.message) });
    const opened = async (n: number) => {
      for (let i = 0; i < 100 && MockEventSource.instances.length < n; i++) await new Promise(resolve => setTimeout(resolve, 0));
      expect(MockEventSource.instances).toHaveLength(n);
    };
    await opened(1);
    MockEventSource.latest().emit('log', { id: 7, type: 'log', body: { message: 'one' } });
    // a network blip: the browser reconnects by itself, nothing is reopened
    MockEventSource.latest().fail();
    expect(MockEventSource.instances).toHaveLength(1);
    MockEventSource.latest().fail({ closed: true });
    await opened(2);
    expect(requests.map(r => r.url)).toEqual(['http://portico/api/scaffolder/v2/tasks/task%201']);
    expect(MockEventSource.latest().url).toBe('http://portico/api/scaffolder/v2/tasks/task%201/eventstream?after=7');
    MockEventSource.latest().emit('log', { id: 8, type: 'log', body: { message: 'two' } });
    expect(events.map(e => e.id)).toEqual([7, 8]);
    // closed again and again without an event between: it gives up and says so
    for (let n = 3; n <= 5; n++) {
      MockEventSource.latest().fail({ closed: true });
      await opened(n);
    }
    MockEventSource.latest().fail({ closed: true });
    expect(errors[errors.length - 1]).toBe('The live log stopped; reload the page to follow it again');
    stop();
  });

  it('stops before the stream opens when asked to', async () => {
    const { client } = setup(() => ({ body: {} }));
    const stop = client.streamEvents({ taskId: 't', onEvent: () => undefined });
    stop();
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(MockEventSource.instances).toHaveLength(0);
  });
});
