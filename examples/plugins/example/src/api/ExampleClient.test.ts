import { UrlDiscoveryApi } from '@portico/frontend-plugin-api';
import { ExampleClient } from './ExampleClient';

function clientWith(responses: Array<{ status?: number; body: unknown }>) {
  const calls: Array<{ url: string; init?: RequestInit }> = [];
  const fetch = (async (url: string, init?: RequestInit) => {
    calls.push({ url, init });
    const { status = 200, body } = responses.shift()!;
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  }) as typeof globalThis.fetch;
  return { calls, client: new ExampleClient({ discoveryApi: new UrlDiscoveryApi('http://portal'), fetchApi: { fetch } }) };
}

const greeting = { id: 1, name: 'Ada', message: 'Hello, Ada!', createdAt: '2026-11-27T09:00:00.000Z' };

describe('ExampleClient', () => {
  it('lists greetings from /api/example/greetings', async () => {
    const { client, calls } = clientWith([{ body: { items: [greeting] } }]);
    await expect(client.listGreetings({ limit: 5 })).resolves.toEqual([greeting]);
    expect(calls[0].url).toBe('http://portal/api/example/greetings?limit=5');
  });

  it('posts a greeting as JSON', async () => {
    const { client, calls } = clientWith([{ status: 201, body: greeting }]);
    await expect(client.greet('Ada')).resolves.toEqual(greeting);
    expect(calls[0]).toMatchObject({
      url: 'http://portal/api/example/greetings',
      init: { method: 'POST', body: JSON.stringify({ name: 'Ada' }) },
    });
  });

  it("throws the backend's error message", async () => {
    const { client } = clientWith([{ status: 400, body: { error: { name: 'InputError', message: 'body.name is required' } } }]);
    await expect(client.greet('')).rejects.toThrow('body.name is required');
  });
});
