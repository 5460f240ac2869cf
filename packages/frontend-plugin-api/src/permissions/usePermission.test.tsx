import { render, screen } from '@testing-library/react';
import { createPermission, type DefinitivePolicyDecision } from '@portico/permission-common';
import { permissionApiRef, type AuthorizePermissionRequest, type PermissionApi } from '../apis/definitions/PermissionApi';
import { ApiResolver } from '../apis/system/ApiHolder';
import { ApiProvider } from '../apis/system/ApiProvider';
import { RequirePermission } from './RequirePermission';
import { usePermission } from './usePermission';

const deletePermission = createPermission({ name: 'catalog.entity.delete', resourceType: 'catalog-entity' });
const createLocation = createPermission({ name: 'catalog.location.create' });

function fakePermissionApi(decide: (request: AuthorizePermissionRequest) => DefinitivePolicyDecision | Error) {
  const calls: AuthorizePermissionRequest[] = [];
  const api: PermissionApi = {
    async authorize(request) {
      calls.push(request);
      const decision = decide(request);
      if (decision instanceof Error) throw decision;
      return decision;
    },
  };
  return { api, calls };
}

function Probe(props: { resourceRef?: string }) {
  const { loading, allowed, reason } = usePermission({ permission: deletePermission, resourceRef: props.resourceRef });
  return <p>{loading ? 'loading' : `${allowed ? 'allowed' : 'denied'}${reason ? `: ${reason}` : ''}`}</p>;
}

function renderWith(api: PermissionApi, element: React.ReactElement) {
  return render(<ApiProvider apis={new ApiResolver([], [[permissionApiRef, api]])}>{element}</ApiProvider>);
}

describe('usePermission', () => {
  it('is loading, then allowed', async () => {
    const { api, calls } = fakePermissionApi(() => ({ result: 'ALLOW' }));
    renderWith(api, <Probe resourceRef="component:default/a" />);
    expect(screen.getByText('loading')).toBeInTheDocument();
    expect(await screen.findByText('allowed')).toBeInTheDocument();
    expect(calls).toEqual([{ permission: deletePermission, resourceRef: 'component:default/a' }]);
  });

  it('gives the policy reason when denied, or names the permission', async () => {
    const withReason = fakePermissionApi(() => ({ result: 'DENY', reason: 'Only owners may delete' }));
    const { unmount } = renderWith(withReason.api, <Probe />);
    expect(await screen.findByText('denied: Only owners may delete')).toBeInTheDocument();
    unmount();
    const bare = fakePermissionApi(() => ({ result: 'DENY' }));
    renderWith(bare.api, <Probe />);
    expect(await screen.findByText('denied: You do not have the permission catalog.entity.delete')).toBeInTheDocument();
  });

  it('denies, saying why, when the check itself fails', async () => {
    const { api } = fakePermissionApi(() => new Error('503 Service Unavailable'));
    renderWith(api, <Probe />);
    expect(
      await screen.findByText('denied: Could not check the permission catalog.entity.delete: 503 Service Unavailable'),
    ).toBeInTheDocument();
  });

  it('asks again for another resource and never shows the old answer for it', async () => {
    const { api, calls } = fakePermissionApi(request => ({ result: request.resourceRef === 'component:default/mine' ? 'ALLOW' : 'DENY' }));
    const { rerender } = renderWith(api, <Probe resourceRef="component:default/mine" />);
    expect(await screen.findByText('allowed')).toBeInTheDocument();
    rerender(
      <ApiProvider apis={new ApiResolver([], [[permissionApiRef, api]])}>
        <Probe resourceRef="component:default/theirs" />
      </ApiProvider>,
    );
    expect(screen.queryByText('allowed')).not.toBeInTheDocument();
    expect(await screen.findByText(/^denied/)).toBeInTheDocument();
    expect(calls.map(c => c.resourceRef)).toEqual(['component:default/mine', 'component:default/theirs']);
  });
});

describe('RequirePermission', () => {
  it('renders its children only when allowed, else the fallback', async () => {
    const { api } = fakePermissionApi(request => ({ result: request.permission.name === 'catalog.location.create' ? 'ALLOW' : 'DENY' }));
    renderWith(
      api,
      <>
        <RequirePermission permission={createLocation}>
          <button>Register</button>
        </RequirePermission>
        <RequirePermission permission={deletePermission} resourceRef="component:default/a" fallback={<p>Read only</p>}>
          <button>Unregister</button>
        </RequirePermission>
      </>,
    );
    expect(await screen.findByRole('button', { name: 'Register' })).toBeInTheDocument();
    expect(await screen.findByText('Read only')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Unregister' })).not.toBeInTheDocument();
  });

  it('hands the answer to a render function, e.g. to disable a button', async () => {
    const { api } = fakePermissionApi(() => ({ result: 'DENY', reason: 'Admins only' }));
    renderWith(
      api,
      <RequirePermission permission={createLocation}>
        {({ allowed, reason }) => (
          <button disabled={!allowed} title={reason}>
            Register
          </button>
        )}
      </RequirePermission>,
    );
    const button = screen.getByRole('button', { name: 'Register' });
    expect(button).toBeDisabled();
    expect(await screen.findByTitle('Admins only')).toBe(button);
  });
});
