import { createExtension, nameFromPath, type ExtensionDefinition } from '../extensions/Extension';
import { lazyComponent, type ComponentLoader, type LazyExtensionComponent } from '../extensions/lazyComponent';

export interface PageExtensionData {
  /** Absolute route path, may contain params: `/catalog/:namespace/:kind/:name`. Sub-routes below it go to the page too. */
  path: string;
  title?: string;
  Component: LazyExtensionComponent;
}

/**
 * A routed page, code-split: `loader` runs on first visit.
 * @example PageBlueprint({ path: '/example', title: 'Example', loader: () => import('./ExamplePage') })
 */
export function PageBlueprint(options: {
  name?: string;
  path: string;
  title?: string;
  loader: ComponentLoader;
  disabled?: boolean;
}): ExtensionDefinition<'page', PageExtensionData> {
  if (!options.path.startsWith('/')) throw new Error(`Page path '${options.path}' must start with '/'`);
  return createExtension({
    kind: 'page',
    name: options.name ?? nameFromPath(options.path),
    disabled: options.disabled,
    data: { path: options.path, title: options.title, Component: lazyComponent(options.loader) },
  });
}
