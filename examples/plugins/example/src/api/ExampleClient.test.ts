import { mockApis } from '@portico/app/testing';
import { ExampleClient } from './ExampleClient';

function clientWith(responses: Array<{ status?: number; body: unknown }>) {
  const calls: Array<{ url: string; init?: RequestInit }> = [];
  const fetch = (async (url: string, init?: RequestInit) => {
    calls.push({ url, init });
    const { status = 200, body } = responses.shift()!;
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  }) as typeof globalThis.fetch;
  return { calls, client: new ExampleClient({ discoveryApi: mockApis.discovery('http://portal'), fetchApi: { fetch } }) };
}

describe('ExampleClient', () => {
  it('reads the greeting and the things of an entity from /api/example', async () => {
    const { client, calls } = clientWith([{ body: { greeting: 'hi' } }, { body: { items: [{ id: '1', name: 'x' }] } }]);
    await expect(client.getGreeting()).resolves.toBe('hi');
    await expect(client.listThings({ entityRef: 'component:default/a' })).resolves.toEqual([{ id: '1', name: 'x' }]);
    expect(calls.map(c => c.url)).toEqual([
      'http://portal/api/example/greeting',
      'http://portal/api/example/things?entityRef=component%3Adefault%2Fa',
    ]);
  });

  it('posts a new thing as JSON', async () => {
    const { client, calls } = clientWith([{ status: 201, body: { id: '7', name: 'new' } }]);
    await expect(client.addThing({ name: 'new' })).resolves.toEqual({ id: '7', name: 'new' });
    expect(calls[0].init).toMatchObject({ method: 'POST', body: JSON.stringify({ name: 'new' }) });
  });

  it("throws the backend's error message", async () => {
    const { client } = clientWith([{ status: 400, body: { error: { name: 'InputError', message: 'name is required' } } }]);
    await expect(client.addThing({ name: '' })).rejects.toThrow('name is required');
  });
});
