import type { DefinitivePolicyDecision } from '@portico/permission-common';
import {
  GUEST_USER_ENTITY_REF,
  type AuthorizePermissionRequest,
  type IdentityApi,
  type PermissionApi,
  type PorticoUserIdentity,
  type ProfileInfo,
} from '@portico/frontend-plugin-api';

/** An IdentityApi for a fixed user; `signOut` only counts. */
export class MockIdentityApi implements IdentityApi {
  signOutCount = 0;
  constructor(
    private readonly identity: PorticoUserIdentity,
    private readonly profile: ProfileInfo = {},
  ) {}
  async getIdentity(): Promise<PorticoUserIdentity> {
    return this.identity;
  }
  async getProfileInfo(): Promise<ProfileInfo> {
    return this.profile;
  }
  async getCredentials(): Promise<{ token?: string }> {
    return {};
  }
  async signOut(): Promise<void> {
    this.signOutCount += 1;
  }
}

/** A PermissionApi answering with `decide` (ALLOW for everything by default) and recording every request. */
export class MockPermissionApi implements PermissionApi {
  readonly requests: AuthorizePermissionRequest[] = [];
  constructor(
    private readonly decide: (request: AuthorizePermissionRequest) => DefinitivePolicyDecision | DefinitivePolicyDecision['result'] = () =>
      'ALLOW',
  ) {}
  async authorize(request: AuthorizePermissionRequest): Promise<DefinitivePolicyDecision> {
    this.requests.push(request);
    const decision = this.decide(request);
    return typeof decision === 'string' ? { result: decision } : decision;
  }
}

/** Mock identity and permission APIs: the guest user by default, every permission allowed by default. */
export const mockIdentityApis = {
  identity: (options: { userEntityRef?: string; ownershipEntityRefs?: string[]; profile?: ProfileInfo } = {}) => {
    const userEntityRef = options.userEntityRef ?? GUEST_USER_ENTITY_REF;
    return new MockIdentityApi({ userEntityRef, ownershipEntityRefs: options.ownershipEntityRefs ?? [userEntityRef] }, options.profile);
  },
  permission: (decide?: ConstructorParameters<typeof MockPermissionApi>[0]) => new MockPermissionApi(decide),
};
