/**
 * Where cache entries live. Values arrive serialised (JSON text) so that a network store such
 * as Redis can implement this without knowing the value types. Keys arrive namespaced.
 */
export interface CacheStore {
  get(key: string): Promise<string | undefined>;
  /** `ttlMs` > 0: the entry expires after that many milliseconds. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Releases connections (network stores). */
  close?(): Promise<void>;
}
