import { createContext, useContext, type ReactNode } from 'react';
import type { ApiHolder } from './ApiHolder';
import type { ApiRef } from './ApiRef';

const ApiContext = createContext<ApiHolder | undefined>(undefined);

/** Makes the APIs of `apis` available to `useApi` below it. */
export function ApiProvider(props: { apis: ApiHolder; children?: ReactNode }) {
  return <ApiContext.Provider value={props.apis}>{props.children}</ApiContext.Provider>;
}

/** The implementation of an API; throws with the ref id when no plugin provides it. */
export function useApi<T>(ref: ApiRef<T>): T {
  const holder = useContext(ApiContext);
  if (!holder) throw new Error(`useApi(${ref.id}) called outside an <ApiProvider>`);
  const api = holder.get(ref);
  if (api === undefined) throw new Error(`No implementation available for API '${ref.id}'`);
  return api;
}

/** The holder of every API: `useApiHolder().get(ref)` is undefined when no plugin provides `ref`. */
export function useApiHolder(): ApiHolder {
  const holder = useContext(ApiContext);
  if (!holder) throw new Error('useApiHolder called outside an <ApiProvider>');
  return holder;
}
