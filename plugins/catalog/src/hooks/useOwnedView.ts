import { useAsync } from '@portico/core-components';
import { GUEST_USER_ENTITY_REF, identityApiRef, useApi } from '@portico/frontend-plugin-api';
import type { OwnedView } from '../filters/catalogFilterState';

/** Which of "Owned by me" and "All" applies, and the refs that "Owned by me" stands for. */
export type OwnedViewState =
  | { loading: true }
  | { loading: false; view: OwnedView; ownershipRefs?: string[] };

/**
 * Resolves the catalog's "Owned by me" view against the signed-in user: the URL's choice, else `me` for
 * a signed-in user and `all` for the guest (whose catalog is usually someone else's).
 */
export function useOwnedView(chosen: OwnedView | undefined): OwnedViewState {
  const identityApi = useApi(identityApiRef);
  const identity = useAsync(() => identityApi.getIdentity(), [identityApi]);
  if (identity.loading) return { loading: true };
  const user = identity.value;
  const view = chosen ?? (user && user.userEntityRef !== GUEST_USER_ENTITY_REF ? 'me' : 'all');
  return { loading: false, view, ownershipRefs: view === 'me' ? (user?.ownershipEntityRefs ?? []) : undefined };
}
