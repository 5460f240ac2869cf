import type { DiscoveryApi } from '@portico/frontend-plugin-api';

/** Backend plugins live at `<baseUrl>/api/<pluginId>`; `baseUrl` defaults to the page's origin. */
export class UrlDiscoveryApi implements DiscoveryApi {
  constructor(private readonly baseUrl: string) {}

  static fromConfig(options: { backendBaseUrl?: string } = {}): UrlDiscoveryApi {
    const origin = typeof window !== 'undefined' ? window.location.origin : 'http://localhost';
    return new UrlDiscoveryApi(options.backendBaseUrl ?? origin);
  }

  async getBaseUrl(pluginId: string): Promise<string> {
    return `${this.baseUrl.replace(/\/+$/, '')}/api/${encodeURIComponent(pluginId)}`;
  }
}
