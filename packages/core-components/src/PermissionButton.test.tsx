import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { permissionApiRef } from '@portico/frontend-plugin-api';
import { mockApis, renderInTestApp } from '@portico/app/testing';
import { createPermission } from '@portico/permission-common';
import { PermissionButton } from './PermissionButton';

const deletePermission = createPermission({ name: 'catalog.entity.delete', resourceType: 'catalog-entity' });

describe('PermissionButton', () => {
  it('is enabled and clickable when allowed', async () => {
    const onClick = jest.fn();
    const permissionApi = mockApis.permission();
    renderInTestApp(
      <PermissionButton permission={deletePermission} resourceRef="component:default/a" onClick={onClick}>
        Unregister
      </PermissionButton>,
      { apis: [[permissionApiRef, permissionApi]] },
    );
    const button = screen.getByRole('button', { name: 'Unregister' });
    expect(button).toBeDisabled();
    await waitFor(() => expect(button).toBeEnabled());
    await userEvent.click(button);
    expect(onClick).toHaveBeenCalledTimes(1);
    expect(permissionApi.requests).toEqual([{ permission: deletePermission, resourceRef: 'component:default/a' }]);
  });

  it('is disabled with the reason in a tooltip when denied', async () => {
    const onClick = jest.fn();
    renderInTestApp(
      <PermissionButton permission={deletePermission} resourceRef="component:default/a" onClick={onClick}>
        Unregister
      </PermissionButton>,
      { apis: [[permissionApiRef, mockApis.permission(() => ({ result: 'DENY', reason: 'Only the owners of component:default/a may' }))]] },
    );
    const holder = await screen.findByLabelText('Only the owners of component:default/a may');
    expect(screen.getByRole('button', { name: 'Unregister' })).toBeDisabled();
    await userEvent.hover(holder);
    expect(await screen.findByRole('tooltip')).toHaveTextContent('Only the owners of component:default/a may');
    expect(onClick).not.toHaveBeenCalled();
  });

  it('stays disabled when the caller disables it, whatever the policy says', async () => {
    renderInTestApp(
      <PermissionButton permission={deletePermission} disabled>
        Unregister
      </PermissionButton>,
    );
    await screen.findByRole('button', { name: 'Unregister' });
    expect(screen.getByRole('button', { name: 'Unregister' })).toBeDisabled();
  });
});
