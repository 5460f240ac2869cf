import { createExtension, type ExtensionDefinition } from '../extensions/Extension';
import { lazyComponent, type ComponentLoader, type LazyExtensionComponent } from '../extensions/lazyComponent';

export interface HeaderSearchExtensionData {
  Component: LazyExtensionComponent;
}

/**
 * The search box in the app's top bar (the catalog plugin contributes one). When several are
 * enabled, the app shows the first in `app.extensions` order.
 * @example HeaderSearchBlueprint({ loader: () => import('./SearchBox') })
 */
export function HeaderSearchBlueprint(options: {
  name?: string;
  loader: ComponentLoader;
  disabled?: boolean;
}): ExtensionDefinition<'header-search', HeaderSearchExtensionData> {
  return createExtension({
    kind: 'header-search',
    name: options.name ?? 'search',
    disabled: options.disabled,
    data: { Component: lazyComponent(options.loader) },
  });
}
