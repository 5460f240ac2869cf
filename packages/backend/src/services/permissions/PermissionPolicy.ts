import type { AuthorizeRequest, AuthorizeResult, Credentials } from '@portico/backend-plugin-api';

/** Decides requests; the default development policy allows everything. Given to `createPermissionsServiceFactory`. */
export interface PermissionPolicy {
  handle(request: AuthorizeRequest, credentials: Credentials): Promise<AuthorizeResult>;
}
