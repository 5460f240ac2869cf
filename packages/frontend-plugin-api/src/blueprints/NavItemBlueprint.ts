import type { ComponentType } from 'react';
import { createExtension, nameFromPath, type ExtensionDefinition } from '../extensions/Extension';

export interface NavItemExtensionData {
  title: string;
  path: string;
  /** An icon component, e.g. one from @mui/icons-material. */
  icon?: ComponentType;
}

/**
 * An entry in the app's navigation.
 * @example NavItemBlueprint({ title: 'Example', path: '/example', icon: ExtensionIcon })
 */
export function NavItemBlueprint(options: {
  name?: string;
  title: string;
  path: string;
  icon?: ComponentType;
  disabled?: boolean;
}): ExtensionDefinition<'nav-item', NavItemExtensionData> {
  return createExtension({
    kind: 'nav-item',
    name: options.name ?? nameFromPath(options.path),
    disabled: options.disabled,
    data: { title: options.title, path: options.path, icon: options.icon },
  });
}
