import { forwardRef, type ElementType } from 'react';
import { Button, Tooltip, type ButtonProps } from '@mui/material';
import { usePermission } from '@portico/frontend-plugin-api';
import type { Permission } from '@portico/permission-common';

export interface PermissionButtonProps extends ButtonProps {
  /** Render as another element, e.g. react-router's `Link` with `to` (a disabled link does not navigate). */
  component?: ElementType;
  /** Where a `component={Link}` button goes. */
  to?: string;
  /** The permission the button's action needs. */
  permission: Permission;
  /** For a resource permission, the resource (an entity ref for `catalog-entity`). */
  resourceRef?: string;
}

/**
 * A MUI Button that is disabled until the signed-in user is known to have `permission`, and when denied
 * says why in a tooltip (the button stays visible, so people learn what they could ask for).
 * @example
 * <PermissionButton permission={catalogEntityDeletePermission} resourceRef={ref} onClick={unregister}>Unregister</PermissionButton>
 */
export const PermissionButton = forwardRef<HTMLButtonElement, PermissionButtonProps>(function PermissionButton(props, ref) {
  const { permission, resourceRef, disabled, ...buttonProps } = props;
  const { loading, allowed, reason } = usePermission({ permission, resourceRef });
  const button = <Button ref={ref} {...buttonProps} disabled={disabled || !allowed} />;
  if (loading || allowed || !reason) return button;
  return (
    <Tooltip title={reason}>
      {/* a disabled button fires no events: the span carries the tooltip and names the reason to screen readers */}
      <span aria-label={reason} style={{ display: 'inline-flex' }}>
        {button}
      </span>
    </Tooltip>
  );
});
