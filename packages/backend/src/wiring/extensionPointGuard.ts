import { extensionPointRuntimeMethods } from '@portico/backend-plugin-api';

/**
 * An extension point implementation may offer `[forContributor](label)` to get a view bound to one
 * contributor, so its errors can name who contributed (e.g. a second `setPolicy` names both modules).
 */
export const forContributor = Symbol.for('portico.extensionPoint.forContributor');

/**
 * Wraps an extension point implementation for one contributor. Once the owner's init has begun,
 * the registry is frozen: any call through the wrapper throws, naming the extension point, the
 * contributor and the owner, so a late contribution never disappears silently.
 */
export function guardExtensionPoint<T>(
  impl: T,
  info: { extensionPointId: string; contributor: string; owner: string; isClosed(): boolean },
): T {
  if (typeof impl !== 'object' || impl === null) return impl;
  const bind = (impl as { [forContributor]?: (contributor: string) => object })[forContributor];
  const target = typeof bind === 'function' ? bind.call(impl, info.contributor) : (impl as object);
  const runtime = (impl as { [extensionPointRuntimeMethods]?: readonly string[] })[extensionPointRuntimeMethods] ?? [];
  return new Proxy(target, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (info.isClosed() && !runtime.includes(String(prop))) {
          throw new Error(
            `${info.contributor} used extension point '${info.extensionPointId}' after its owner ${info.owner} began initialising; ` +
              'contribute during init, not later (startup hooks, timers, requests)',
          );
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as T;
}
