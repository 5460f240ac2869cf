import { createPluginHttpClient, type DiscoveryApi, type FetchApi, type PluginHttpClient } from '@portico/frontend-plugin-api';
import type { ExampleApi, ExampleThing } from './ExampleApi';

/** ExampleApi over HTTP: discovery finds `/api/example`, fetchApi adds credentials. */
export class ExampleClient implements ExampleApi {
  private readonly http: PluginHttpClient;

  constructor(deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.http = createPluginHttpClient({ pluginId: 'example', ...deps });
  }

  async getGreeting(): Promise<string> {
    const body = await this.http.request<{ greeting: string }>('/greeting');
    return body.greeting;
  }

  async listThings(options: { entityRef?: string } = {}): Promise<ExampleThing[]> {
    const query = options.entityRef ? `?${new URLSearchParams({ entityRef: options.entityRef })}` : '';
    const body = await this.http.request<{ items: ExampleThing[] }>(`/things${query}`);
    return body.items;
  }

  async addThing(thing: { name: string; entityRef?: string }): Promise<ExampleThing> {
    return this.http.request<ExampleThing>('/things', { method: 'POST', body: thing });
  }
}
