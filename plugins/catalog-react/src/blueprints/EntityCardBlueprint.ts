import {
  createExtension,
  lazyComponent,
  type ComponentLoader,
  type ExtensionDefinition,
  type LazyExtensionComponent,
} from '@portico/frontend-plugin-api';
import type { EntityExtensionFilter } from '../entity/EntityFilter';

export type EntityCardSize = 'small' | 'medium' | 'large';

export interface EntityCardExtensionData {
  title?: string;
  size: EntityCardSize;
  filter?: EntityExtensionFilter;
  Component: LazyExtensionComponent;
}

/**
 * A card on the entity page's overview, shown for entities that pass `filter`. `size` sets its
 * width: small = a third, medium = a half, large = the full row.
 * @example EntityCardBlueprint({ name: 'greeting', filter: { kind: 'Component' }, loader: () => import('./GreetingCard') })
 */
export function EntityCardBlueprint(options: {
  name: string;
  title?: string;
  size?: EntityCardSize;
  filter?: EntityExtensionFilter;
  loader: ComponentLoader;
  disabled?: boolean;
}): ExtensionDefinition<'entity-card', EntityCardExtensionData> {
  return createExtension({
    kind: 'entity-card',
    name: options.name,
    disabled: options.disabled,
    data: {
      title: options.title,
      size: options.size ?? 'medium',
      filter: options.filter,
      Component: lazyComponent(options.loader),
    },
  });
}
