import { createServiceFactory, createServiceRef, type PermissionPolicy } from '@portico/backend-plugin-api';
import { PermissionsRegistry } from './PermissionsRegistry';

/** The one policy of the backend, set by the built-in `permission` plugin (or whoever owns `permissions.policy`). */
export class PolicyHolder {
  private current?: { policy: PermissionPolicy; setBy: string };

  set(policy: PermissionPolicy, setBy: string): void {
    if (this.current) {
      throw new Error(`The permission policy was already set by ${this.current.setBy}; ${setBy} cannot set another`);
    }
    this.current = { policy, setBy };
  }

  get(): PermissionPolicy | undefined {
    return this.current?.policy;
  }
}

/** Host-internal (root): the permission registry and the policy every plugin's permissions service asks. */
export interface PermissionsHost {
  registry: PermissionsRegistry;
  policy: PolicyHolder;
}

export const permissionsHostServiceRef = createServiceRef<PermissionsHost>({ id: 'core.internal.permissions', scope: 'root' });

export const permissionsHostServiceFactory = createServiceFactory({
  service: permissionsHostServiceRef,
  deps: {},
  factory: (): PermissionsHost => ({ registry: new PermissionsRegistry(), policy: new PolicyHolder() }),
});
