import { AuthorizeResult, type Credentials, type PermissionsService } from '@portico/backend-plugin-api';
import { catalogEntityReadPermission } from '@portico/plugin-catalog-common';

/**
 * Which entities' scores a caller may see: those the catalog lets them read (`catalog.entity.read`, with the
 * conditions of their role, such as IS_ENTITY_OWNER). An unconditional decision costs one question; a
 * conditional one is applied to the refs of the page at hand in one batch (the catalog loads them).
 */
export class EntityReadAccess {
  constructor(private readonly permissions: PermissionsService | undefined) {}

  /** The subset of `refs` the caller may read. */
  async readable(credentials: Credentials, refs: readonly string[]): Promise<Set<string>> {
    if (!this.permissions || refs.length === 0) return new Set(refs);
    const [decision] = await this.permissions.authorizeConditional([{ permission: catalogEntityReadPermission }], { credentials });
    if (decision.result === AuthorizeResult.ALLOW) return new Set(refs);
    if (decision.result === AuthorizeResult.DENY) return new Set();
    const unique = [...new Set(refs)];
    const decisions = await this.permissions.authorize(
      unique.map(resourceRef => ({ permission: catalogEntityReadPermission, resourceRef })),
      { credentials },
    );
    return new Set(unique.filter((_, i) => decisions[i]?.result === AuthorizeResult.ALLOW));
  }

  /** Whether the caller may read the entity. */
  async canRead(credentials: Credentials, ref: string): Promise<boolean> {
    return (await this.readable(credentials, [ref])).has(ref);
  }
}
