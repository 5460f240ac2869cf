import type { DiscoveryApi, FetchApi } from '@portico/frontend-plugin-api';
import type { ExampleApi, Greeting } from './ExampleApi';

/** ExampleApi over HTTP: discovery finds `/api/example`, fetchApi adds credentials. */
export class ExampleClient implements ExampleApi {
  constructor(private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {}

  greet(name: string): Promise<Greeting> {
    return this.request<Greeting>('/greetings', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name }),
    });
  }

  async listGreetings(options: { limit?: number } = {}): Promise<Greeting[]> {
    const query = options.limit ? `?${new URLSearchParams({ limit: String(options.limit) })}` : '';
    const body = await this.request<{ items: Greeting[] }>(`/greetings${query}`);
    return body.items;
  }

  private async request<T>(path: string, init?: RequestInit): Promise<T> {
    const baseUrl = await this.deps.discoveryApi.getBaseUrl('example');
    const res = await this.deps.fetchApi.fetch(`${baseUrl}${path}`, init);
    if (!res.ok) {
      // the backend answers { error: { name, message } } for every failure
      const body = (await res.json().catch(() => undefined)) as { error?: { message?: string } } | undefined;
      throw new Error(body?.error?.message ?? `Request to ${path} failed with ${res.status}`);
    }
    return (await res.json()) as T;
  }
}
