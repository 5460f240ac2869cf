import { createContext, useContext, type ReactNode } from 'react';
import type { Entity } from '@portico/catalog-model';

/** The entity a page, tab or card is about, as loaded by the entity page. */
export interface AsyncEntityState {
  entity?: Entity;
  loading: boolean;
  error?: Error;
  /** Reloads the entity from the catalog, when the provider supports it. */
  refresh?: () => void;
}

const EntityContext = createContext<AsyncEntityState | undefined>(undefined);

/** Provides the current entity to `useEntity()` below it (the entity page does this for tabs and cards). */
export function EntityProvider(props: {
  entity?: Entity;
  loading?: boolean;
  error?: Error;
  refresh?: () => void;
  children?: ReactNode;
}) {
  const { entity, loading = !entity && !props.error, error, refresh, children } = props;
  return <EntityContext.Provider value={{ entity, loading, error, refresh }}>{children}</EntityContext.Provider>;
}

/** The current entity; throws when used outside a loaded entity page. */
export function useEntity(): { entity: Entity; refresh?: () => void } {
  const state = useContext(EntityContext);
  if (!state?.entity) {
    throw new Error('useEntity() must be used inside an <EntityProvider> with a loaded entity');
  }
  return { entity: state.entity, refresh: state.refresh };
}

/** The current entity state, including loading and error; never throws. */
export function useAsyncEntity(): AsyncEntityState {
  return useContext(EntityContext) ?? { loading: false };
}
