import { useCallback, useEffect, useMemo, useState } from 'react';
import {
  Alert,
  Box,
  Button,
  Chip,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  LinearProgress,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import AddIcon from '@mui/icons-material/Add';
import { ResponseError } from '@portico/errors';
import { alertApiRef, discoveryApiRef, fetchApiRef, useApi } from '@portico/frontend-plugin-api';
import type { RbacRole, RbacRoleView } from '@portico/permission-common';
import { Link as RouterLink } from 'react-router';
import { AdminLayout } from './AdminLayout';
import { AUDIT_PAGE, ROLES_PAGE } from './adminPages';
import { describeRoleError } from './describeRoleError';
import { RbacRolesClient, type RegisteredPermission } from './RbacRolesClient';
import { RoleFormDialog } from './RoleFormDialog';

const SOURCE_LABELS: Record<RbacRoleView['source'], string> = { default: 'Default', config: 'App-config', database: 'Database' };

/** Why a role cannot be changed on this page (the backend answers 409 with the same reason). */
export function readOnlyReason(role: RbacRoleView): string | undefined {
  if (role.source === 'config') return 'Defined in app-config (permission.rbac.roles): edit it there.';
  if (role.source === 'default') {
    return 'A default role: turn the defaults off with permission.rbac.defaultRoles: false, or replace it with a role of the same name in app-config.';
  }
  return undefined;
}

function formatTime(value?: string): string {
  if (!value) return '';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toLocaleString();
}

type Editing = { role?: RbacRoleView } | undefined;

function RoleRow(props: { role: RbacRoleView; onEdit(): void; onDelete(): void }) {
  const { role } = props;
  const reason = readOnlyReason(role);
  return (
    <TableRow aria-label={`Role ${role.name}`}>
      <TableCell sx={{ verticalAlign: 'top', minWidth: 220 }}>
        <Typography variant="subtitle2" component="p">
          {role.name}
        </Typography>
        {role.description && (
          <Typography variant="body2" color="text.secondary">
            {role.description}
          </Typography>
        )}
      </TableCell>
      <TableCell sx={{ verticalAlign: 'top' }}>
        <Stack direction="row" sx={{ flexWrap: 'wrap', gap: 0.5 }}>
          {role.members.map(member => (
            <Chip key={member} size="small" label={member} />
          ))}
        </Stack>
      </TableCell>
      <TableCell sx={{ verticalAlign: 'top' }}>
        <Stack direction="row" sx={{ flexWrap: 'wrap', gap: 0.5 }}>
          {role.permissions.map(permission => (
            <Chip key={permission} size="small" variant="outlined" label={permission} />
          ))}
        </Stack>
      </TableCell>
      <TableCell sx={{ verticalAlign: 'top', maxWidth: 280 }}>
        {role.conditions ? (
          <Box component="code" sx={{ fontSize: 12, whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
            {JSON.stringify(role.conditions)}
          </Box>
        ) : (
          <Typography variant="body2" color="text.secondary">
            none
          </Typography>
        )}
      </TableCell>
      <TableCell sx={{ verticalAlign: 'top' }}>
        <Chip size="small" color={role.source === 'database' ? 'primary' : 'default'} label={SOURCE_LABELS[role.source]} />
        {role.updatedAt && (
          <Typography variant="caption" component="p" color="text.secondary" sx={{ mt: 0.5 }}>
            {formatTime(role.updatedAt)}
            {role.updatedBy ? ` by ${role.updatedBy}` : ''}
          </Typography>
        )}
      </TableCell>
      <TableCell sx={{ verticalAlign: 'top', minWidth: 200 }}>
        {reason ? (
          <Typography variant="body2" color="text.secondary">
            Read-only. {reason}
          </Typography>
        ) : (
          <Stack direction="row" spacing={1}>
            <Button size="small" onClick={props.onEdit} aria-label={`Edit role ${role.name}`}>
              Edit
            </Button>
            <Button size="small" color="error" onClick={props.onDelete} aria-label={`Delete role ${role.name}`}>
              Delete
            </Button>
            <Button
              size="small"
              component={RouterLink}
              to={`${AUDIT_PAGE.path}?resource=${encodeURIComponent(`role:${role.name}`)}`}
              aria-label={`History of role ${role.name}`}
            >
              History
            </Button>
          </Stack>
        )}
      </TableCell>
    </TableRow>
  );
}

function RolesView() {
  const discoveryApi = useApi(discoveryApiRef);
  const fetchApi = useApi(fetchApiRef);
  const alertApi = useApi(alertApiRef);
  const client = useMemo(() => new RbacRolesClient({ discoveryApi, fetchApi }), [discoveryApi, fetchApi]);
  const [roles, setRoles] = useState<RbacRoleView[]>();
  const [loadError, setLoadError] = useState<{ status?: number; message: string }>();
  const [permissions, setPermissions] = useState<RegisteredPermission[]>([]);
  const [permissionsError, setPermissionsError] = useState<string>();
  const [editing, setEditing] = useState<Editing>();
  const [deleting, setDeleting] = useState<RbacRoleView>();
  const [deleteError, setDeleteError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const loadRoles = useCallback(async () => {
    try {
      setRoles(await client.listRoles());
      setLoadError(undefined);
    } catch (error) {
      setLoadError({
        status: error instanceof ResponseError ? error.response.status : undefined,
        message: error instanceof ResponseError ? (error.body?.message ?? error.message) : String(error),
      });
    }
  }, [client]);

  useEffect(() => {
    void loadRoles();
    client.listPermissions().then(setPermissions, (error: unknown) =>
      setPermissionsError(`The declared permissions could not be loaded (${error instanceof Error ? error.message : String(error)}); type names instead.`),
    );
  }, [client, loadRoles]);

  const save = async (role: RbacRole) => {
    await client.putRole(role);
    setEditing(undefined);
    alertApi.post({ message: `Role ${role.name} saved`, severity: 'success', display: 'transient' });
    await loadRoles();
  };

  const confirmDelete = async () => {
    if (!deleting) return;
    setBusy(true);
    try {
      await client.deleteRole(deleting.name);
      alertApi.post({ message: `Role ${deleting.name} deleted`, severity: 'success', display: 'transient' });
      setDeleting(undefined);
      setDeleteError(undefined);
      await loadRoles();
    } catch (error) {
      setDeleteError(describeRoleError(error).summary);
    } finally {
      setBusy(false);
    }
  };

  if (loadError?.status === 404) {
    return (
      <Alert severity="info">
        This portal decides permissions with a policy other than RBAC, so it has no roles to edit here ({loadError.message}).
      </Alert>
    );
  }
  if (loadError && !roles) {
    return (
      <Alert severity="error" action={<Button color="inherit" size="small" onClick={() => void loadRoles()}>Retry</Button>}>
        Could not load the roles: {loadError.message}
      </Alert>
    );
  }
  if (!roles) return <LinearProgress aria-label="Loading roles" />;

  return (
    <>
      <Stack direction="row" spacing={2} sx={{ mb: 2, alignItems: 'center' }}>
        <Button variant="contained" startIcon={<AddIcon />} onClick={() => setEditing({})}>
          New role
        </Button>
        {permissionsError && <Alert severity="warning">{permissionsError}</Alert>}
      </Stack>
      <Table size="small" aria-label="Roles">
        <TableHead>
          <TableRow>
            <TableCell>Name</TableCell>
            <TableCell>Members</TableCell>
            <TableCell>Permissions</TableCell>
            <TableCell>Conditions</TableCell>
            <TableCell>Source</TableCell>
            <TableCell>Actions</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {roles.map(role => (
            <RoleRow
              key={`${role.source}:${role.name}`}
              role={role}
              onEdit={() => setEditing({ role })}
              onDelete={() => {
                setDeleteError(undefined);
                setDeleting(role);
              }}
            />
          ))}
        </TableBody>
      </Table>
      {editing && (
        <RoleFormDialog role={editing.role} roles={roles} permissions={permissions} onSave={save} onClose={() => setEditing(undefined)} />
      )}
      {deleting && (
        <Dialog open onClose={busy ? undefined : () => setDeleting(undefined)} aria-labelledby="delete-role-title">
          <DialogTitle id="delete-role-title">Delete role {deleting.name}?</DialogTitle>
          <DialogContent>
            {deleteError && (
              <Alert severity="error" role="alert" sx={{ mb: 2 }}>
                {deleteError}
              </Alert>
            )}
            <DialogContentText>
              Its members lose what it grants on every instance within the refresh interval. The deletion is recorded in the audit log.
            </DialogContentText>
          </DialogContent>
          <DialogActions>
            <Button onClick={() => setDeleting(undefined)} disabled={busy}>
              Cancel
            </Button>
            <Button color="error" variant="contained" onClick={() => void confirmDelete()} disabled={busy}>
              Delete
            </Button>
          </DialogActions>
        </Dialog>
      )}
    </>
  );
}

/**
 * `/admin/roles`: the RBAC roles in effect (defaults, app-config, database) and a form to create, edit and
 * delete the database ones. Needs `permission.role.manage`.
 */
export function RolesPage() {
  return (
    <AdminLayout
      page={ROLES_PAGE}
      description="Who may do what. A role gives its members (users and groups) permissions, optionally only on resources matching its conditions. Roles from the defaults and app-config are read-only here; roles stored in the database apply on every instance within the refresh interval, and each change is audited."
    >
      <RolesView />
    </AdminLayout>
  );
}

export default RolesPage;
