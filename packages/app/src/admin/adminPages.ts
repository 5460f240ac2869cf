import { usePermission } from '@portico/frontend-plugin-api';
import { auditEventReadPermission, permissionRoleManagePermission, type Permission } from '@portico/permission-common';

/** One page of the Administration section and the permission it needs. */
export interface AdminPageInfo {
  path: string;
  title: string;
  permission: Permission;
}

export const ROLES_PAGE: AdminPageInfo = { path: '/admin/roles', title: 'Roles', permission: permissionRoleManagePermission };
export const AUDIT_PAGE: AdminPageInfo = { path: '/admin/audit', title: 'Audit log', permission: auditEventReadPermission };
export const ADMIN_PAGES: readonly AdminPageInfo[] = [ROLES_PAGE, AUDIT_PAGE];

/** The Administration pages the signed-in user may open (none while `loading`). */
export function useAllowedAdminPages(): { loading: boolean; pages: AdminPageInfo[] } {
  const roles = usePermission({ permission: ROLES_PAGE.permission });
  const audit = usePermission({ permission: AUDIT_PAGE.permission });
  const answers = [roles, audit];
  return {
    loading: answers.some(answer => answer.loading),
    pages: ADMIN_PAGES.filter((_, i) => answers[i].allowed),
  };
}
