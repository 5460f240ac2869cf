import type { ApiRef } from './ApiRef';

/** Something that can hand out API implementations by ref. */
export interface ApiHolder {
  get<T>(ref: ApiRef<T>): T | undefined;
}

/** How an API is built: its ref, the refs it needs, and a factory taking those. */
export interface ApiFactory<Api, Deps extends Record<string, unknown> = Record<string, unknown>> {
  api: ApiRef<Api>;
  deps: { [K in keyof Deps]: ApiRef<Deps[K]> };
  factory(deps: Deps): Api;
}

/** Helper that keeps the dependency types of an ApiFactory inferred. */
export function createApiFactory<Api, Deps extends Record<string, unknown>>(
  factory: ApiFactory<Api, Deps>,
): ApiFactory<Api, Deps> {
  return factory;
}

/** An ApiFactory of any API, as stored by registries. */
export type AnyApiFactory = ApiFactory<unknown, Record<string, unknown>>;

/**
 * Resolves API factories lazily, each once, failing with a message that names the missing or circular ref.
 * Later factories for the same ref replace earlier ones, so an app can override a plugin's default.
 */
export class ApiResolver implements ApiHolder {
  private readonly factories = new Map<string, AnyApiFactory>();
  private readonly instances = new Map<string, unknown>();
  private readonly resolving = new Set<string>();

  constructor(factories: Iterable<AnyApiFactory> = [], instances: Iterable<readonly [ApiRef<unknown>, unknown]> = []) {
    for (const f of factories) this.factories.set(f.api.id, f);
    for (const [ref, impl] of instances) this.instances.set(ref.id, impl);
  }

  get<T>(ref: ApiRef<T>): T | undefined {
    if (this.instances.has(ref.id)) return this.instances.get(ref.id) as T;
    const factory = this.factories.get(ref.id);
    if (!factory) return undefined;
    if (this.resolving.has(ref.id)) {
      throw new Error(`Circular API dependency: ${[...this.resolving, ref.id].join(' -> ')}`);
    }
    this.resolving.add(ref.id);
    try {
      const deps: Record<string, unknown> = {};
      for (const [name, depRef] of Object.entries(factory.deps)) {
        const dep = this.get(depRef as ApiRef<unknown>);
        if (dep === undefined) {
          throw new Error(`API '${ref.id}' depends on '${(depRef as ApiRef<unknown>).id}', which no plugin provides`);
        }
        deps[name] = dep;
      }
      const impl = factory.factory(deps);
      this.instances.set(ref.id, impl);
      return impl as T;
    } finally {
      this.resolving.delete(ref.id);
    }
  }
}
