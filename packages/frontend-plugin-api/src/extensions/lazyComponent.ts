import { createElement, type ComponentType, type FunctionComponent } from 'react';

/** What an extension loader may resolve to: a component, or a module whose default export is one. */
export type ComponentLoader<P = object> = () => Promise<ComponentType<P> | { default: ComponentType<P> }>;

/** A component whose code is split out and loaded on first render, or ahead of it with `preload`. */
export type LazyExtensionComponent<P = object> = FunctionComponent<P> & {
  /** Starts loading the code (once); rendering later finds it ready. */
  preload(): Promise<void>;
};

function isModule<P>(value: ComponentType<P> | { default: ComponentType<P> }): value is { default: ComponentType<P> } {
  return typeof value === 'object' && value !== null && 'default' in value;
}

/**
 * Wraps a loader so the component's code is split out and loaded on first render (or preload).
 *
 * Unlike React.lazy, a component whose code has already arrived (preloaded while the page fetched its data, or
 * rendered before) renders at once: React.lazy suspends on every first render, even of loaded code, and React
 * holds each Suspense boundary's reveal until 300 ms after the last fallback it showed. A page whose tab and cards
 * were preloaded thus drew them one throttled step after another (issue 19, item 10: 0.3 s per step on the entity
 * page). Code still loading suspends as React.lazy does, up to the nearest Suspense boundary.
 */
export function lazyComponent<P = object>(loader: ComponentLoader<P>): LazyExtensionComponent<P> {
  let loaded: ComponentType<P> | undefined;
  let loading: Promise<ComponentType<P>> | undefined;
  const load = () => {
    if (loading) return loading;
    const started = loader().then(value => {
      loaded = isModule(value) ? value.default : value;
      return loaded;
    });
    // a failed load may be tried again (e.g. after a network blip) by a later preload
    started.catch(() => {
      if (loading === started) loading = undefined;
    });
    loading = started;
    return started;
  };
  // why the load this component's render started failed: its renders throw it to the error boundary
  let failure: { error: unknown } | undefined;
  function LazyExtension(props: P) {
    if (!loaded) {
      // as with React.lazy, a failed load stays failed for rendering (React renders a failed pass again at once,
      // so it cannot simply load again); a preload loads again
      if (failure) throw failure.error;
      // Suspends as React.lazy does: React renders again once the promise settles. (React's `use` of the same
      // promise did not render again after it resolved, in this repository's jsdom tests.)
      throw load().then(
        () => undefined,
        (error: unknown) => {
          failure = { error };
        },
      );
    }
    return createElement(loaded as ComponentType<object>, props as object);
  }
  const preload = () => {
    failure = undefined;
    return load().then(() => undefined);
  };
  return Object.assign(LazyExtension as FunctionComponent<P>, { preload });
}
