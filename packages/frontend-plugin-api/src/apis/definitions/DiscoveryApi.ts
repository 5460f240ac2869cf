import { createApiRef } from '../system/ApiRef';

/** Finds the base URL of a backend plugin's HTTP API, e.g. `http://host/api/catalog`. */
export interface DiscoveryApi {
  getBaseUrl(pluginId: string): Promise<string>;
}

export const discoveryApiRef = createApiRef<DiscoveryApi>({ id: 'core.discovery' });
