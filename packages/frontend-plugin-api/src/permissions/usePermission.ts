import { useEffect, useState } from 'react';
import type { Permission } from '@portico/permission-common';
import { permissionApiRef } from '../apis/definitions/PermissionApi';
import { useApi } from '../apis/system/ApiProvider';

/** What `usePermission` answers: while `loading`, `allowed` is false. */
export interface UsePermissionResult {
  loading: boolean;
  allowed: boolean;
  /** Why not, in words, when denied (show it next to the disabled control). */
  reason?: string;
}

/** The words shown when the policy denies without saying why. */
export function defaultDenyReason(permission: Permission): string {
  return `You do not have the permission ${permission.name}`;
}

/**
 * Whether the signed-in user may do `permission` (to `resourceRef`). Calls made during the same render
 * are sent to the backend as one batch.
 * @example
 * const { allowed, reason } = usePermission({ permission: catalogEntityDeletePermission, resourceRef: ref });
 */
export function usePermission(options: { permission: Permission; resourceRef?: string }): UsePermissionResult {
  const permissionApi = useApi(permissionApiRef);
  const { permission, resourceRef } = options;
  const key = `${permission.type}:${permission.name}:${resourceRef ?? ''}`;
  const [state, setState] = useState<UsePermissionResult & { key?: string }>({ loading: true, allowed: false });

  useEffect(() => {
    let cancelled = false;
    permissionApi.authorize({ permission, resourceRef }).then(
      decision => {
        if (cancelled) return;
        const allowed = decision.result === 'ALLOW';
        setState({ key, loading: false, allowed, reason: allowed ? undefined : (decision.reason ?? defaultDenyReason(permission)) });
      },
      (error: unknown) => {
        if (cancelled) return;
        const message = error instanceof Error ? error.message : String(error);
        setState({ key, loading: false, allowed: false, reason: `Could not check the permission ${permission.name}: ${message}` });
      },
    );
    return () => {
      cancelled = true;
    };
    // the key names the permission and the resource; a new object for the same permission asks nothing new
  }, [permissionApi, key]);

  // the answer for another permission or resource is not this one's
  if (state.key !== key) return { loading: true, allowed: false };
  return { loading: state.loading, allowed: state.allowed, reason: state.reason };
}
