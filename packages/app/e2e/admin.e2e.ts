import { openPortal, type PortalSession } from './harness';

// In the default app-config the guest is an admin (permission.rbac.admins), so the browser may use both pages.
describe('administration in a browser', () => {
  let s: PortalSession;
  const role = `e2e-reviewers-${Date.now().toString(36)}`;
  const roleRow = () => s.page.getByRole('row', { name: `Role ${role}` });

  beforeAll(async () => {
    s = await openPortal('admin');
  });
  afterAll(async () => {
    await s?.close();
  });

  it('reaches the roles from the user menu and lists the roles in effect', async () => {
    await s.goto('/');
    await s.page.getByRole('button', { name: /^Account of / }).click();
    await s.page.getByRole('menuitem', { name: 'Administration' }).click();
    await s.page.getByRole('heading', { name: 'Roles' }).waitFor();
    expect(new URL(s.page.url()).pathname).toBe('/admin/roles');
    const everyone = s.page.getByRole('row', { name: 'Role everyone' });
    await everyone.getByText('Read-only. A default role', { exact: false }).waitFor();
    await s.shot('roles');
  });

  it('creates a database role with the form and lists it', async () => {
    await s.page.getByRole('button', { name: 'New role' }).click();
    const form = s.page.getByRole('form', { name: 'New role' });
    await form.getByRole('textbox', { name: 'Name' }).fill(role);
    await form.getByRole('textbox', { name: 'Description' }).fill('Made by the admin e2e spec');
    const members = form.getByRole('combobox', { name: 'Members' });
    await members.fill('group:default/platform');
    await members.press('Enter');
    const permissions = form.getByRole('combobox', { name: 'Permissions' });
    await permissions.fill('catalog.entity.read');
    await s.page.getByRole('option', { name: 'catalog.entity.read', exact: true }).click();
    await permissions.fill('scorecards.*');
    await permissions.press('Enter');
    await form.getByRole('textbox', { name: 'Conditions (JSON, optional)' }).fill('{"rule": "IS_ENTITY_OWNER"}');
    await s.shot('new-role-form');
    await s.page.getByRole('button', { name: 'Create role' }).click();
    await s.page.getByRole('dialog').waitFor({ state: 'detached' });
    await roleRow().getByText('Database').waitFor();
    await roleRow().getByText('scorecards.*').waitFor();
    await roleRow().getByText('by user:default/guest', { exact: false }).waitFor();
    await s.shot('role-created');
  });

  it('shows the creation in the audit log, with its meta', async () => {
    await roleRow().getByRole('link', { name: `History of role ${role}` }).click();
    await s.page.getByRole('heading', { name: 'Audit log' }).waitFor();
    expect(await s.page.getByRole('textbox', { name: 'Resource' }).inputValue()).toBe(`role:${role}`);
    const events = s.page.getByRole('table', { name: 'Audit events' });
    const created = events.getByRole('row').filter({ hasText: 'permission.role.manage' }).filter({ hasText: 'user:default/guest' });
    await created.first().waitFor();
    expect(await created.count()).toBe(1);
    await created.getByText('succeeded').waitFor();
    await created.getByRole('button', { name: /^Show details of / }).click();
    const meta = await s.page.getByLabel(/^Meta of event /).textContent();
    expect(JSON.parse(meta ?? '{}')).toMatchObject({ operation: 'put', created: true });
    await s.shot('audit-created');
  });

  it('deletes the role, and the deletion is audited too', async () => {
    await s.goto('/admin/roles');
    await roleRow().getByRole('button', { name: `Delete role ${role}` }).click();
    const confirm = s.page.getByRole('dialog', { name: `Delete role ${role}?` });
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await roleRow().waitFor({ state: 'detached' });
    await s.goto(`/admin/audit?resource=${encodeURIComponent(`role:${role}`)}`);
    const rows = s.page.getByRole('table', { name: 'Audit events' }).getByRole('row').filter({ hasText: 'permission.role.manage' });
    await rows.nth(1).waitFor();
    expect(await rows.count()).toBe(2);
    // newest first: the deletion above the creation
    await rows.first().getByRole('button', { name: /^Show details of / }).click();
    expect(JSON.parse((await s.page.getByLabel(/^Meta of event /).textContent()) ?? '{}')).toMatchObject({ operation: 'delete' });
    await s.shot('audit-deleted');
  });
});
