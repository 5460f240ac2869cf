import { createContext, useContext, useMemo, type ReactNode } from 'react';
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
