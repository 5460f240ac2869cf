import { lazy, type ComponentType, type LazyExoticComponent } from 'react';

/** What an extension loader may resolve to: a component, or a module whose default export is one. */
export type ComponentLoader<P = object> = () => Promise<ComponentType<P> | { default: ComponentType<P> }>;

function isModule<P>(value: ComponentType<P> | { default: ComponentType<P> }): value is { default: ComponentType<P> } {
  return typeof value === 'object' && value !== null && 'default' in value;
}

/** Wraps a loader in React.lazy so the component's code is split out and loaded on first render. */
export function lazyComponent<P = object>(loader: ComponentLoader<P>): LazyExoticComponent<ComponentType<P>> {
  return lazy(async () => {
    const loaded = await loader();
    return isModule(loaded) ? loaded : { default: loaded };
  });
}
