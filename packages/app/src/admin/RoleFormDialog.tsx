import { useMemo, useState, type FormEvent } from 'react';
import {
  Alert,
  Autocomplete,
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Stack,
  TextField,
} from '@mui/material';
import type { RbacRole, RbacRoleView } from '@portico/permission-common';
import { describeRoleError, type RoleErrorDescription } from './describeRoleError';
import { parseRoleConditions } from './parseRoleConditions';
import type { RegisteredPermission } from './RbacRolesClient';

export interface RoleFormDialogProps {
  /** The database role to edit; a new role when absent. */
  role?: RbacRoleView;
  /** Every role in effect, so a new role cannot silently replace one of the same name. */
  roles: readonly RbacRoleView[];
  /** The declared permissions offered as choices (patterns may be typed too). */
  permissions: readonly RegisteredPermission[];
  /** Stores the role; a rejection (400, 409) is shown in the form. */
  onSave(role: RbacRole): Promise<void>;
  onClose(): void;
}

const FORM_ID = 'role-form';

function conditionsText(role?: RbacRoleView): string {
  return role?.conditions ? JSON.stringify(role.conditions, null, 2) : '';
}

/** A chip input for a list of free strings with suggestions: Enter (or leaving the field) adds what was typed. */
function ListField(props: {
  label: string;
  values: string[];
  options: string[];
  onChange(values: string[]): void;
  helperText: string;
  error?: string;
  groupBy?: (option: string) => string;
}) {
  return (
    <Autocomplete
      multiple
      freeSolo
      autoSelect
      options={props.options}
      groupBy={props.groupBy}
      value={props.values}
      onChange={(_, values) => props.onChange([...new Set(values.map(v => v.trim()).filter(Boolean))])}
      renderInput={params => (
        <TextField {...params} label={props.label} error={Boolean(props.error)} helperText={props.error ?? props.helperText} />
      )}
    />
  );
}

/** The form that creates a database role or edits one: name, description, members, permissions, conditions. */
export function RoleFormDialog(props: RoleFormDialogProps) {
  const editing = props.role;
  const [name, setName] = useState(editing?.name ?? '');
  const [description, setDescription] = useState(editing?.description ?? '');
  const [members, setMembers] = useState<string[]>(editing?.members ?? []);
  const [permissions, setPermissions] = useState<string[]>(editing?.permissions ?? []);
  const [conditions, setConditions] = useState(conditionsText(editing));
  const [problem, setProblem] = useState<RoleErrorDescription>({ summary: '', fields: {} });
  const [busy, setBusy] = useState(false);

  const parsedConditions = parseRoleConditions(conditions);
  const pluginOf = useMemo(() => new Map(props.permissions.map(p => [p.name, p.pluginId])), [props.permissions]);
  const permissionOptions = useMemo(
    () => [...props.permissions].sort((a, b) => a.pluginId.localeCompare(b.pluginId) || a.name.localeCompare(b.name)).map(p => p.name),
    [props.permissions],
  );
  const memberOptions = useMemo(
    () => [...new Set(['user:*', ...props.roles.flatMap(role => role.members)])].sort(),
    [props.roles],
  );

  const localProblems = (): RoleErrorDescription['fields'] => {
    const fields: RoleErrorDescription['fields'] = {};
    const trimmed = name.trim();
    if (!editing) {
      const existing = props.roles.find(role => role.name === trimmed);
      if (!trimmed) fields.name = 'Give the role a name';
      else if (existing?.source === 'database') fields.name = `A role named '${trimmed}' exists: edit it instead`;
      else if (existing) fields.name = `'${trimmed}' is the name of a ${existing.source === 'config' ? 'role of app-config' : 'default role'}`;
    }
    if (!members.length) fields.members = 'Add at least one member';
    if (!permissions.length) fields.permissions = 'Add at least one permission';
    if (!parsedConditions.ok) fields.conditions = parsedConditions.error;
    return fields;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const fields = localProblems();
    if (Object.keys(fields).length || !parsedConditions.ok) {
      setProblem({ summary: 'Fix the fields marked below.', fields });
      return;
    }
    setBusy(true);
    setProblem({ summary: '', fields: {} });
    try {
      await props.onSave({
        name: name.trim(),
        ...(description.trim() ? { description: description.trim() } : {}),
        members,
        permissions,
        ...(parsedConditions.conditions ? { conditions: parsedConditions.conditions } : {}),
      });
    } catch (error) {
      setProblem(describeRoleError(error));
      setBusy(false);
    }
  };

  const fieldError = (field: keyof RoleErrorDescription['fields']) => problem.fields[field];
  const title = editing ? `Edit role ${editing.name}` : 'New role';
  return (
    <Dialog open onClose={busy ? undefined : props.onClose} fullWidth maxWidth="md" aria-labelledby="role-form-title">
      <DialogTitle id="role-form-title">{title}</DialogTitle>
      <DialogContent>
        <Box component="form" id={FORM_ID} onSubmit={submit} noValidate aria-label={title} sx={{ pt: 1 }}>
          <Stack spacing={2}>
            {problem.summary && (
              <Alert severity="error" role="alert">
                {problem.summary}
              </Alert>
            )}
            <TextField
              label="Name"
              value={name}
              onChange={event => setName(event.target.value)}
              disabled={Boolean(editing)}
              required
              error={Boolean(fieldError('name'))}
              helperText={fieldError('name') ?? 'Lower-case letters, digits, dots, dashes and underscores; it cannot change later'}
            />
            <TextField
              label="Description"
              value={description}
              onChange={event => setDescription(event.target.value)}
              error={Boolean(fieldError('description'))}
              helperText={fieldError('description') ?? 'What the role is for (optional)'}
            />
            <ListField
              label="Members"
              values={members}
              options={memberOptions}
              onChange={setMembers}
              error={fieldError('members')}
              helperText="User and group refs (group:default/platform, user:default/jane), or user:* for every signed-in user; press Enter after each"
            />
            <ListField
              label="Permissions"
              values={permissions}
              options={permissionOptions}
              groupBy={option => pluginOf.get(option) ?? ''}
              onChange={setPermissions}
              error={fieldError('permissions')}
              helperText="Choose declared permissions or type a pattern (catalog.*, scorecards.*.read, *); press Enter after each"
            />
            <TextField
              label="Conditions (JSON, optional)"
              value={conditions}
              onChange={event => setConditions(event.target.value)}
              multiline
              minRows={3}
              error={Boolean(fieldError('conditions') ?? (parsedConditions.ok ? undefined : parsedConditions.error))}
              helperText={
                fieldError('conditions') ??
                (parsedConditions.ok
                  ? 'Grants resource permissions only where the rules hold, e.g. {"allOf": [{"rule": "IS_ENTITY_OWNER"}, {"rule": "IS_ENTITY_KIND", "params": {"kinds": ["api"]}}]}'
                  : parsedConditions.error)
              }
              slotProps={{ htmlInput: { spellCheck: false, style: { fontFamily: 'monospace' } } }}
            />
          </Stack>
        </Box>
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose} disabled={busy}>
          Cancel
        </Button>
        <Button type="submit" form={FORM_ID} variant="contained" disabled={busy}>
          {editing ? 'Save role' : 'Create role'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
