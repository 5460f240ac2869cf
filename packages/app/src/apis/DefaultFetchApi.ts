import type { FetchApi } from '@portico/frontend-plugin-api';

/** Where credentials will be added once auth lands: every plugin's backend call goes through here. */
export class DefaultFetchApi implements FetchApi {
  constructor(private readonly baseFetch: typeof fetch = (...args) => globalThis.fetch(...args)) {}

  fetch: typeof fetch = (input, init) => this.baseFetch(input, init);
}
