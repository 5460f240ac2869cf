import { ResponseError } from '@portico/errors';
import type { DiscoveryApi } from '../definitions/DiscoveryApi';
import type { FetchApi } from '../definitions/FetchApi';

/** One call to a backend plugin: a JSON `body` is sent with `Content-Type: application/json`. */
export interface PluginHttpRequest {
  method?: string;
  body?: unknown;
}

/** Calls one backend plugin's HTTP API as JSON; every frontend plugin client is built on it. */
export interface PluginHttpClient {
  /**
   * Sends `path` (relative to the plugin's base URL) and returns the parsed JSON answer (`undefined`
   * for 204). A non-2xx answer throws a `ResponseError` from `@portico/errors`.
   */
  request<T>(path: string, init?: PluginHttpRequest): Promise<T>;
}

/**
 * A `PluginHttpClient` for `pluginId`: `discoveryApi` finds its base URL, `fetchApi` (the one that adds
 * credentials; the global fetch when omitted) sends the request.
 * @example
 * const http = createPluginHttpClient({ pluginId: 'example', discoveryApi, fetchApi });
 * const { items } = await http.request<{ items: Thing[] }>('/things');
 */
export function createPluginHttpClient(options: { pluginId: string; discoveryApi: DiscoveryApi; fetchApi?: FetchApi }): PluginHttpClient {
  const fetchApi = options.fetchApi ?? { fetch: (input, init) => globalThis.fetch(input, init) };
  return {
    async request<T>(path: string, init?: PluginHttpRequest): Promise<T> {
      const baseUrl = await options.discoveryApi.getBaseUrl(options.pluginId);
      const response = await fetchApi.fetch(`${baseUrl}${path}`, {
        method: init?.method ?? 'GET',
        headers: init?.body === undefined ? undefined : { 'Content-Type': 'application/json' },
        body: init?.body === undefined ? undefined : JSON.stringify(init.body),
      });
      if (!response.ok) throw await ResponseError.fromResponse(response);
      if (response.status === 204) return undefined as T;
      return (await response.json()) as T;
    },
  };
}
