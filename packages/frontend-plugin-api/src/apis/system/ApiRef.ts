/** A typed handle to an API implementation; `useApi(ref)` returns a `T`. */
export interface ApiRef<T> {
  readonly id: string;
  /** Type carrier only; never set at run time. */
  readonly T: T;
  toString(): string;
}

/** Shorthand for the implementation type an ApiRef points at. */
export type ApiRefType<R> = R extends ApiRef<infer T> ? T : never;

const API_ID_PATTERN = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/i;

/**
 * Creates a typed ref to an API. Ids are dotted names, e.g. `core.fetch` or `plugin.catalog.service`.
 * @example export const greetingApiRef = createApiRef<GreetingApi>({ id: 'plugin.example.greeting' });
 */
export function createApiRef<T>(options: { id: string }): ApiRef<T> {
  const { id } = options;
  if (!API_ID_PATTERN.test(id)) {
    throw new Error(`API id '${id}' is invalid: use dot-separated words such as 'plugin.example.greeting'`);
  }
  return {
    id,
    get T(): T {
      throw new Error(`ApiRef.T is a type carrier and has no value (api '${id}')`);
    },
    toString: () => `apiRef{${id}}`,
  };
}
