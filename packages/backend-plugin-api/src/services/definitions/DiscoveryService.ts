/** Where plugins are reachable, for calls between plugins and for links handed to browsers. */
export interface DiscoveryService {
  /** Base URL for backend-to-backend calls, e.g. `http://localhost:7007/api/catalog`. */
  getBaseUrl(pluginId: string): Promise<string>;
  /** Base URL as seen from outside (`backend.baseUrl`). */
  getExternalBaseUrl(pluginId: string): Promise<string>;
}
