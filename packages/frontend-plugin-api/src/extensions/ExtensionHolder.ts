import type { ApiExtensionData } from '../blueprints/ApiBlueprint';
import type { HeaderSearchExtensionData } from '../blueprints/HeaderSearchBlueprint';
import type { HomeCardExtensionData } from '../blueprints/HomeCardBlueprint';
import type { NavItemExtensionData } from '../blueprints/NavItemBlueprint';
import type { PageExtensionData } from '../blueprints/PageBlueprint';
import type { Extension } from './Extension';

/**
 * The data of each extension kind. A package that defines a kind adds it here with declaration
 * merging (`declare module '@portico/frontend-plugin-api' { interface ExtensionDataByKind { ... } }`),
 * as `@portico/plugin-catalog-react` does for `entity-tab` and `entity-card`.
 */
export interface ExtensionDataByKind {
  page: PageExtensionData;
  'nav-item': NavItemExtensionData;
  api: ApiExtensionData;
  'header-search': HeaderSearchExtensionData;
  'home-card': HomeCardExtensionData;
}

export type ExtensionOfKind<K extends string> = Extension<
  K,
  K extends keyof ExtensionDataByKind ? ExtensionDataByKind[K] : unknown
>;

/**
 * The app's enabled extensions, in app order, by kind: what `useExtensions(kind)` reads. The app's
 * `ExtensionRegistry` (in `@portico/app`) is the implementation.
 */
export interface ExtensionHolder {
  ofKind<K extends string>(kind: K): ExtensionOfKind<K>[];
}
