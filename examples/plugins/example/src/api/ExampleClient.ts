import type { DiscoveryApi, FetchApi } from '@portico/frontend-plugin-api';
import type { ExampleApi, ExampleThing } from './ExampleApi';

/** ExampleApi over HTTP: discovery finds `/api/example`, fetchApi adds credentials. */
export class ExampleClient implements ExampleApi {
  constructor(private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {}

  async getGreeting(): Promise<string> {
    const body = await this.request<{ greeting: string }>('/greeting');
    return body.greeting;
  }

  async listThings(options: { entityRef?: string } = {}): Promise<ExampleThing[]> {
    const query = options.entityRef ? `?${new URLSearchParams({ entityRef: options.entityRef })}` : '';
    const body = await this.request<{ items: ExampleThing[] }>(`/things${query}`);
    return body.items;
  }

  async addThing(thing: { name: string; entityRef?: string }): Promise<ExampleThing> {
    return this.request<ExampleThing>('/things', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(thing),
    });
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
