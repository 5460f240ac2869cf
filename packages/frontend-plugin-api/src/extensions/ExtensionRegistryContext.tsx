import { createContext, useContext, useMemo, type ReactNode } from 'react';
import type { Entity } from '@portico/catalog-model';
import { ExtensionRegistry, type ExtensionOfKind } from './ExtensionRegistry';

const ExtensionRegistryContext = createContext<ExtensionRegistry | undefined>(undefined);
const EMPTY = new ExtensionRegistry([]);

/** Makes the app's enabled extensions available to the hooks below (the app and renderInTestApp do this). */
export function ExtensionRegistryProvider(props: { registry: ExtensionRegistry; children?: ReactNode }) {
  return <ExtensionRegistryContext.Provider value={props.registry}>{props.children}</ExtensionRegistryContext.Provider>;
}

/** The registry of enabled extensions (empty outside an app). */
export function useExtensionRegistry(): ExtensionRegistry {
  return useContext(ExtensionRegistryContext) ?? EMPTY;
}

/** The enabled extensions of one kind, in app order. */
export function useExtensions<K extends string>(kind: K): ExtensionOfKind<K>[] {
  const registry = useExtensionRegistry();
  return useMemo(() => registry.ofKind(kind), [registry, kind]);
}

/** The entity tabs that apply to `entity`, in app order (for the entity page). */
export function useEntityTabs(entity: Entity): ExtensionOfKind<'entity-tab'>[] {
  const registry = useExtensionRegistry();
  return useMemo(() => registry.entityTabs(entity), [registry, entity]);
}

/** The entity cards that apply to `entity`, in app order (for the overview tab). */
export function useEntityCards(entity: Entity): ExtensionOfKind<'entity-card'>[] {
  const registry = useExtensionRegistry();
  return useMemo(() => registry.entityCards(entity), [registry, entity]);
}
