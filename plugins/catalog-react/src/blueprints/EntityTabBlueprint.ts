import {
  createExtension,
  lazyComponent,
  nameFromPath,
  type ComponentLoader,
  type ExtensionDefinition,
  type LazyExtensionComponent,
} from '@portico/frontend-plugin-api';
import type { EntityExtensionFilter } from '../entity/EntityFilter';

export interface EntityTabExtensionData {
  /** Relative to the entity page: `''` or `/` is the overview, `apis` is `/catalog/ns/kind/name/apis`. */
  path: string;
  title: string;
  filter?: EntityExtensionFilter;
  Component: LazyExtensionComponent;
}

/**
 * A tab on the entity page, shown for entities that pass `filter`. The component reads the entity
 * with `useEntity()`.
 * @example EntityTabBlueprint({ path: 'apis', title: 'APIs', filter: { kind: 'Component' }, loader: () => import('./ApisTab') })
 */
export function EntityTabBlueprint(options: {
  name?: string;
  path: string;
  title: string;
  filter?: EntityExtensionFilter;
  loader: ComponentLoader;
  disabled?: boolean;
}): ExtensionDefinition<'entity-tab', EntityTabExtensionData> {
  const path = options.path.replace(/^\/+|\/+$/g, '');
  return createExtension({
    kind: 'entity-tab',
    name: options.name ?? (path ? nameFromPath(path) : 'overview'),
    disabled: options.disabled,
    data: { path, title: options.title, filter: options.filter, Component: lazyComponent(options.loader) },
  });
}
