import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { fetchApiRef, permissionApiRef } from '@portico/frontend-plugin-api';
import { mockApis, renderInTestApp } from '../testing';
import { fakeAdminBackend } from './fakeAdminBackend';
import { RolesPage } from './RolesPage';

function renderRoles(backend = fakeAdminBackend(), permission = mockApis.permission()) {
  const result = renderInTestApp(<RolesPage />, {
    route: '/admin/roles',
    apis: [
      [fetchApiRef, backend.fetchApi],
      [permissionApiRef, permission],
    ],
  });
  return { ...result, backend, permission };
}

const row = (name: string) => screen.findByRole('row', { name: `Role ${name}` });

async function addChip(label: string, value: string) {
  const input = screen.getByRole('combobox', { name: label });
  await userEvent.type(input, `${value}{Enter}`);
}

describe('the roles page', () => {
  it('lists every role in effect with its members, permissions, conditions and source; default and config roles are read-only', async () => {
    renderRoles();
    const owners = await row('entity-owners');
    expect(within(owners).getByText('catalog.entity.*')).toBeInTheDocument();
    expect(within(owners).getByText('{"rule":"IS_ENTITY_OWNER"}')).toBeInTheDocument();
    expect(within(owners).getByText('Default')).toBeInTheDocument();
    expect(within(owners).getByText(/Read-only\. A default role: turn the defaults off with permission\.rbac\.defaultRoles: false/)).toBeInTheDocument();
    expect(within(owners).queryByRole('button', { name: /Edit/ })).not.toBeInTheDocument();

    const config = await row('catalog-reader');
    expect(within(config).getByText('group:default/everyone')).toBeInTheDocument();
    expect(within(config).getByText('Read-only. Defined in app-config (permission.rbac.roles): edit it there.')).toBeInTheDocument();

    const stored = await row('db-editors');
    expect(within(stored).getByText('Edit the databases')).toBeInTheDocument();
    expect(within(stored).getByText('Database')).toBeInTheDocument();
    expect(within(stored).getByText(/by user:default\/bob/)).toBeInTheDocument();
    expect(within(stored).getByRole('button', { name: 'Edit role db-editors' })).toBeEnabled();
    expect(within(stored).getByRole('link', { name: 'History of role db-editors' })).toHaveAttribute(
      'href',
      '/admin/audit?resource=role%3Adb-editors',
    );
  });

  it('creates a role from registered permissions, a typed pattern, members and JSON conditions', async () => {
    const { backend, alertApi } = renderRoles();
    await userEvent.click(await screen.findByRole('button', { name: 'New role' }));
    const form = screen.getByRole('form', { name: 'New role' });
    await userEvent.type(within(form).getByRole('textbox', { name: 'Name' }), 'api-owners');
    await userEvent.type(within(form).getByRole('textbox', { name: 'Description' }), 'Owners manage their APIs');
    await addChip('Members', 'group:default/team-a');
    await addChip('Members', 'user:default/jane');
    // a registered permission, chosen from the list
    await userEvent.type(screen.getByRole('combobox', { name: 'Permissions' }), 'catalog.entity.del');
    await userEvent.click(await screen.findByRole('option', { name: 'catalog.entity.delete' }));
    await addChip('Permissions', 'scorecards.*');
    await userEvent.click(within(form).getByRole('textbox', { name: 'Conditions (JSON, optional)' }));
    await userEvent.paste('{"allOf": [{"rule": "IS_ENTITY_OWNER"}, {"rule": "IS_ENTITY_KIND", "params": {"kinds": ["api"]}}]}');
    await userEvent.click(screen.getByRole('button', { name: 'Create role' }));

    const created = await row('api-owners');
    expect(within(created).getByText('Database')).toBeInTheDocument();
    const put = backend.calls.find(call => call.method === 'PUT');
    expect(put?.path).toBe('/api/permission/roles/api-owners');
    expect(put?.body).toEqual({
      description: 'Owners manage their APIs',
      members: ['group:default/team-a', 'user:default/jane'],
      permissions: ['catalog.entity.delete', 'scorecards.*'],
      conditions: { allOf: [{ rule: 'IS_ENTITY_OWNER' }, { rule: 'IS_ENTITY_KIND', params: { kinds: ['api'] } }] },
    });
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(alertApi.alerts).toContainEqual(expect.objectContaining({ message: 'Role api-owners saved', severity: 'success' }));
  });

  it('checks the conditions before sending anything, and refuses a name already taken', async () => {
    const { backend } = renderRoles();
    await userEvent.click(await screen.findByRole('button', { name: 'New role' }));
    const form = screen.getByRole('form', { name: 'New role' });
    await userEvent.type(within(form).getByRole('textbox', { name: 'Name' }), 'db-editors');
    await addChip('Members', 'user:*');
    await addChip('Permissions', 'catalog.*');
    await userEvent.click(within(form).getByRole('textbox', { name: 'Conditions (JSON, optional)' }));
    await userEvent.paste('{"anyOf": [{"rule": "IS_ENTITY_OWNER", "param": {}}]}');
    expect(
      screen.getByText('conditions.anyOf[0] has unknown key "param" (a condition has "rule" and "params")'),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Create role' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Fix the fields marked below.');
    expect(screen.getByText("A role named 'db-editors' exists: edit it instead")).toBeInTheDocument();
    expect(backend.calls.some(call => call.method === 'PUT')).toBe(false);
  });

  it('edits a database role, its name fixed', async () => {
    const { backend } = renderRoles();
    await userEvent.click(await screen.findByRole('button', { name: 'Edit role db-editors' }));
    const form = screen.getByRole('form', { name: 'Edit role db-editors' });
    expect(within(form).getByRole('textbox', { name: 'Name' })).toBeDisabled();
    await addChip('Permissions', 'catalog.entity.delete');
    await userEvent.click(screen.getByRole('button', { name: 'Save role' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(backend.calls.find(call => call.method === 'PUT')?.body).toEqual({
      description: 'Edit the databases',
      members: ['group:default/dba'],
      permissions: ['catalog.entity.update', 'catalog.entity.delete'],
    });
    expect(within(await row('db-editors')).getByText('catalog.entity.delete')).toBeInTheDocument();
  });

  it('shows the field a 400 names next to it', async () => {
    renderRoles();
    await userEvent.click(await screen.findByRole('button', { name: 'Edit role db-editors' }));
    await addChip('Members', 'not a ref');
    await userEvent.click(screen.getByRole('button', { name: 'Save role' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The server refused the role: body.members.1: a user or group ref');
    expect(screen.getByText('item 2: a user or group ref')).toBeInTheDocument();
    expect(screen.getByRole('dialog')).toBeInTheDocument();
  });

  it('shows a 409 as the server says it, and keeps the form open', async () => {
    const backend = fakeAdminBackend({
      override: call =>
        call.method === 'PUT'
          ? { status: 409, body: { error: { name: 'ConflictError', message: "Role 'late' is defined in app-config (permission.rbac.roles); edit it there" } } }
          : undefined,
    });
    renderRoles(backend);
    await userEvent.click(await screen.findByRole('button', { name: 'New role' }));
    await userEvent.type(screen.getByRole('textbox', { name: 'Name' }), 'late');
    await addChip('Members', 'user:*');
    await addChip('Permissions', 'catalog.entity.read');
    await userEvent.click(screen.getByRole('button', { name: 'Create role' }));
    expect(await screen.findByRole('alert')).toHaveTextContent("Role 'late' is defined in app-config (permission.rbac.roles); edit it there");
    expect(screen.getByRole('dialog')).toBeInTheDocument();
  });

  it('deletes a database role after confirming, and shows a refusal in the confirmation', async () => {
    let refuse = true;
    const backend = fakeAdminBackend({
      override: call =>
        call.method === 'DELETE' && refuse
          ? { status: 409, body: { error: { name: 'ConflictError', message: "Role 'db-editors' is a default role" } } }
          : undefined,
    });
    renderRoles(backend);
    await userEvent.click(await screen.findByRole('button', { name: 'Delete role db-editors' }));
    const confirm = screen.getByRole('dialog', { name: 'Delete role db-editors?' });
    await userEvent.click(within(confirm).getByRole('button', { name: 'Delete' }));
    expect(await within(confirm).findByRole('alert')).toHaveTextContent("Role 'db-editors' is a default role");
    refuse = false;
    await userEvent.click(within(confirm).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(screen.queryByRole('row', { name: 'Role db-editors' })).not.toBeInTheDocument());
    expect(backend.calls.filter(call => call.method === 'DELETE').map(call => call.path)).toEqual([
      '/api/permission/roles/db-editors',
      '/api/permission/roles/db-editors',
    ]);
    expect(backend.roles.map(role => role.name)).not.toContain('db-editors');
  });

  it('tells someone without permission.role.manage that they may not, and asks the backend nothing', async () => {
    const { backend } = renderRoles(fakeAdminBackend(), mockApis.permission(() => ({ result: 'DENY', reason: "No role grants 'permission.role.manage' to user:default/guest" })));
    expect(await screen.findByRole('heading', { name: 'You may not open Roles' })).toBeInTheDocument();
    expect(screen.getByText('permission.role.manage')).toBeInTheDocument();
    expect(screen.getByText("No role grants 'permission.role.manage' to user:default/guest")).toBeInTheDocument();
    expect(backend.calls).toEqual([]);
  });

  it('says so when the backend uses another policy than RBAC', async () => {
    renderRoles(
      fakeAdminBackend({
        override: call =>
          call.path === '/api/permission/roles'
            ? { status: 404, body: { error: { name: 'NotFoundError', message: 'This backend uses a permission policy other than RBAC: it has no roles' } } }
            : undefined,
      }),
    );
    expect(await screen.findByText(/This portal decides permissions with a policy other than RBAC/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'New role' })).not.toBeInTheDocument();
  });
});
