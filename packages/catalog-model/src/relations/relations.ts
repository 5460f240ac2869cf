/** The source is owned by the target (a group or user). */
export const RELATION_OWNED_BY = 'ownedBy';
export const RELATION_OWNER_OF = 'ownerOf';
/** The source is part of the target (a system, a domain, a parent component). */
export const RELATION_PART_OF = 'partOf';
export const RELATION_HAS_PART = 'hasPart';
/** The source needs the target (a component or resource) at run time. */
export const RELATION_DEPENDS_ON = 'dependsOn';
export const RELATION_DEPENDENCY_OF = 'dependencyOf';
/** The source (a component) serves the target API. */
export const RELATION_PROVIDES_API = 'providesApi';
export const RELATION_API_PROVIDED_BY = 'apiProvidedBy';
/** The source (a component) calls the target API. */
export const RELATION_CONSUMES_API = 'consumesApi';
export const RELATION_API_CONSUMED_BY = 'apiConsumedBy';
/** The source (a user) is a member of the target group. */
export const RELATION_MEMBER_OF = 'memberOf';
export const RELATION_HAS_MEMBER = 'hasMember';
/** The source group is a child of the target group. */
export const RELATION_CHILD_OF = 'childOf';
export const RELATION_PARENT_OF = 'parentOf';

/** Each relation with its reverse; the catalog stores both directions. */
export const RELATION_PAIRS: Array<[string, string]> = [
  [RELATION_OWNED_BY, RELATION_OWNER_OF],
  [RELATION_PART_OF, RELATION_HAS_PART],
  [RELATION_DEPENDS_ON, RELATION_DEPENDENCY_OF],
  [RELATION_PROVIDES_API, RELATION_API_PROVIDED_BY],
  [RELATION_CONSUMES_API, RELATION_API_CONSUMED_BY],
  [RELATION_MEMBER_OF, RELATION_HAS_MEMBER],
  [RELATION_CHILD_OF, RELATION_PARENT_OF],
];

/** The reverse of a relation type given a list of pairs (both directions are looked up), or undefined. */
export function getReverseRelation(type: string, pairs: Array<[string, string]> = RELATION_PAIRS): string | undefined {
  for (const [a, b] of pairs) {
    if (a === type) return b;
    if (b === type) return a;
  }
  return undefined;
}
