import { createContext, useContext, useMemo, type ReactNode } from 'react';
import type { ExtensionHolder, ExtensionOfKind } from './ExtensionHolder';

const ExtensionRegistryContext = createContext<ExtensionHolder | undefined>(undefined);
const EMPTY: ExtensionHolder = { ofKind: () => [] };

/** Makes the app's enabled extensions available to `useExtensions` below it (the app and renderInTestApp do this). */
export function ExtensionRegistryProvider(props: { registry: ExtensionHolder; children?: ReactNode }) {
  return <ExtensionRegistryContext.Provider value={props.registry}>{props.children}</ExtensionRegistryContext.Provider>;
}

/** The enabled extensions of one kind, in app order (none outside an app). */
export function useExtensions<K extends string>(kind: K): ExtensionOfKind<K>[] {
  const registry = useContext(ExtensionRegistryContext) ?? EMPTY;
  return useMemo(() => registry.ofKind(kind), [registry, kind]);
}
