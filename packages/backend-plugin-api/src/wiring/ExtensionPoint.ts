/**
 * A typed registry one plugin owns and others contribute to. The owner registers the
 * implementation in `register`; contributors list the ref in their init `deps`. The host runs
 * every contributor's init before the owner's, then freezes the registry.
 */
export interface ExtensionPoint<T> {
  readonly $$type: '@portico/ExtensionPoint';
  readonly id: string;
  /** Type carrier only; never read at run time. */
  readonly T: T;
}

export function createExtensionPoint<T>(options: { id: string }): ExtensionPoint<T> {
  if (!options.id || typeof options.id !== 'string') throw new TypeError('createExtensionPoint needs an id');
  return {
    $$type: '@portico/ExtensionPoint',
    id: options.id,
    get T(): T {
      throw new Error(`ExtensionPoint.T of '${options.id}' is a type carrier and cannot be read`);
    },
  } as ExtensionPoint<T>;
}

/**
 * An extension point implementation may list under this key the methods its contributors call at run time,
 * after the owner started (e.g. `collectNow` of `scorecards.factCollectors`): the host lets those through once
 * the registry is frozen, while any other method still throws then, so a late contribution is never lost.
 */
export const extensionPointRuntimeMethods = Symbol.for('portico.extensionPoint.runtimeMethods');
