import { lazy, type ComponentType, type LazyExoticComponent } from 'react';

/** What an extension loader may resolve to: a component, or a module whose default export is one. */
export type ComponentLoader<P = object> = () => Promise<ComponentType<P> | { default: ComponentType<P> }>;

/** A React.lazy component whose code can be fetched ahead of its first render. */
export type LazyExtensionComponent<P = object> = LazyExoticComponent<ComponentType<P>> & {
  /** Starts loading the code (once); rendering later finds it ready. */
  preload(): Promise<void>;
};

function isModule<P>(value: ComponentType<P> | { default: ComponentType<P> }): value is { default: ComponentType<P> } {
  return typeof value === 'object' && value !== null && 'default' in value;
}

/** Wraps a loader in React.lazy so the component's code is split out and loaded on first render (or preload). */
export function lazyComponent<P = object>(loader: ComponentLoader<P>): LazyExtensionComponent<P> {
  let loading: Promise<{ default: ComponentType<P> }> | undefined;
  const load = () => {
    loading ??= loader().then(loaded => (isModule(loaded) ? loaded : { default: loaded }));
    // a failed load may be retried (e.g. after a network blip) on the next render
    loading.catch(() => {
      loading = undefined;
    });
    return loading;
  };
  return Object.assign(lazy(load), { preload: () => load().then(() => undefined) });
}
