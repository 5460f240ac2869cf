import type { ReactNode } from 'react';
import type { Permission } from '@portico/permission-common';
import { usePermission, type UsePermissionResult } from './usePermission';

export interface RequirePermissionProps {
  permission: Permission;
  resourceRef?: string;
  /**
   * What to render: nodes shown only when allowed, or a function of the answer (to disable a button
   * and show the reason instead of hiding it).
   */
  children: ReactNode | ((result: UsePermissionResult) => ReactNode);
  /** Shown when denied (nothing by default). */
  fallback?: ReactNode;
}

/**
 * Renders its children only when the signed-in user has `permission`, or hands the answer to a
 * render function.
 * @example
 * <RequirePermission permission={catalogLocationCreatePermission}><RegisterButton /></RequirePermission>
 */
export function RequirePermission(props: RequirePermissionProps) {
  const result = usePermission({ permission: props.permission, resourceRef: props.resourceRef });
  if (typeof props.children === 'function') return <>{props.children(result)}</>;
  if (result.loading) return null;
  return <>{result.allowed ? props.children : (props.fallback ?? null)}</>;
}
