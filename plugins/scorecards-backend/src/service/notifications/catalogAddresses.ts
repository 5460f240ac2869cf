import { stringifyEntityRef, type Entity } from '@portico/catalog-model';
import type { ScorecardsCatalog } from '../ScorecardsCatalog';

function profileEmail(entity: Entity | undefined): string | undefined {
  const profile = entity?.spec?.profile as { email?: unknown } | undefined;
  return typeof profile?.email === 'string' && profile.email.includes('@') ? profile.email : undefined;
}

/**
 * Email addresses of users and groups from the catalog: `spec.profile.email`; a group without
 * one reaches its members (hasMember relations) instead.
 */
export function catalogAddressResolver(catalog: ScorecardsCatalog) {
  return async (recipients: string[]): Promise<Map<string, string[]>> => {
    const out = new Map<string, string[]>();
    const entities = await catalog.getEntitiesByRefs(recipients);
    const memberLookups = new Map<string, string[]>();
    recipients.forEach((ref, i) => {
      const entity = entities[i];
      const email = profileEmail(entity);
      if (email) out.set(ref, [email]);
      else if (entity?.kind.toLowerCase() === 'group') {
        memberLookups.set(ref, (entity.relations ?? []).filter(r => r.type === 'hasMember').map(r => r.targetRef));
      }
    });
    const memberRefs = [...new Set([...memberLookups.values()].flat())];
    if (memberRefs.length) {
      const members = await catalog.getEntitiesByRefs(memberRefs);
      const emailByRef = new Map(members.flatMap(m => (m && profileEmail(m) ? [[stringifyEntityRef(m), profileEmail(m)!] as const] : [])));
      for (const [group, refs] of memberLookups) {
        const emails = refs.flatMap(r => (emailByRef.has(r) ? [emailByRef.get(r)!] : []));
        if (emails.length) out.set(group, emails);
      }
    }
    return out;
  };
}
