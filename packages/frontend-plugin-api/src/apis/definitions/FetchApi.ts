import { createApiRef } from '../system/ApiRef';

/**
 * The fetch every plugin uses to call the backend. It is the one place that adds credentials,
 * so plugins must use it instead of the global fetch.
 */
export interface FetchApi {
  fetch: typeof fetch;
}

export const fetchApiRef = createApiRef<FetchApi>({ id: 'core.fetch' });
