import { createExtension, type ExtensionDefinition } from '../extensions/Extension';
import { lazyComponent, type ComponentLoader, type LazyExtensionComponent } from '../extensions/lazyComponent';

/** How wide a home card is: `small` a third of the row, `medium` half, `large` the whole row (on wide screens). */
export type HomeCardSize = 'small' | 'medium' | 'large';

export interface HomeCardExtensionData {
  /** The card's heading; the app renders it, so a card that fails to load still says what it was. */
  title: string;
  /** Cards are shown by ascending order, then in app order. Default 100. */
  order: number;
  size: HomeCardSize;
  Component: LazyExtensionComponent;
}

/**
 * A card on the personal home page (`/`), about the signed-in user: their components, runs, approvals...
 * The card's component reads the user from `identityApiRef` and asks its own backend for what concerns them.
 * @example HomeCardBlueprint({ name: 'my-things', title: 'My things', order: 20, loader: () => import('./MyThingsCard') })
 */
export function HomeCardBlueprint(options: {
  name: string;
  title: string;
  order?: number;
  size?: HomeCardSize;
  loader: ComponentLoader;
  disabled?: boolean;
}): ExtensionDefinition<'home-card', HomeCardExtensionData> {
  if (!options.title.trim()) throw new Error(`Home card '${options.name}' needs a title`);
  return createExtension({
    kind: 'home-card',
    name: options.name,
    disabled: options.disabled,
    data: {
      title: options.title,
      order: options.order ?? 100,
      size: options.size ?? 'medium',
      Component: lazyComponent(options.loader),
    },
  });
}
