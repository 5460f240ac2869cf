import { z } from 'zod';
import { parseEntityRef } from '../ref/entityRef';
import { isValidEntityName, isValidKind, isValidNamespace } from '../validation/rules';
import type { Entity } from '../entity/Entity';
import type { EmittedRelation } from './CatalogKindDefinition';
import { withFastAccept } from '../validation/fastSpecCheck';

/**
 * Refs found usable (`<defaultKind>\0<ref>`): a catalog names the same owners, systems and APIs from thousands of
 * entities, and a load checked each of them again. A usable ref is short (each of its three parts is at most 63
 * characters), so the set stays small; it is emptied when it reaches its cap.
 */
const usableRefs = new Set<string>();
const USABLE_REFS_CAP = 20_000;

/** Why `ref` is not a usable entity ref, or undefined when it is. */
export function checkEntityRef(ref: string, defaultKind?: string): string | undefined {
  const key = `${defaultKind ?? ''}\u0000${ref}`;
  if (usableRefs.has(key)) return undefined;
  const problem = findRefProblem(ref, defaultKind);
  if (problem === undefined) {
    if (usableRefs.size >= USABLE_REFS_CAP) usableRefs.clear();
    usableRefs.add(key);
  }
  return problem;
}

function findRefProblem(ref: string, defaultKind: string | undefined): string | undefined {
  let parsed;
  try {
    parsed = parseEntityRef(ref, { defaultKind });
  } catch (error) {
    return (error as Error).message;
  }
  if (!isValidKind(parsed.kind)) return `Entity reference "${ref}" has an invalid kind "${parsed.kind}"`;
  if (!isValidNamespace(parsed.namespace.toLowerCase())) {
    return `Entity reference "${ref}" has an invalid namespace "${parsed.namespace}"`;
  }
  if (!isValidEntityName(parsed.name)) return `Entity reference "${ref}" has an invalid name "${parsed.name}"`;
  return undefined;
}

const requiredString = { error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : 'must be a string') };

const isNonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.length >= 1;

/** A non-empty string. */
export function nonEmptyString() {
  return withFastAccept(z.string(requiredString).min(1, { error: 'must not be empty' }), isNonEmptyString);
}

/** A string that must parse as an entity ref (`defaultKind` is assumed when it has no kind). */
export function entityRefField(defaultKind?: string) {
  const schema = nonEmptyString().superRefine((value, ctx) => {
    const problem = checkEntityRef(value, defaultKind);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
  return withFastAccept(schema, v => isNonEmptyString(v) && checkEntityRef(v, defaultKind) === undefined);
}

/** A list of entity refs. */
export function entityRefList(defaultKind?: string) {
  return z.array(entityRefField(defaultKind), { error: issue => (issue.input === undefined ? 'is required' : 'must be a list of entity refs') });
}

/** `profile` of users and groups. */
export const profileSchema = z.looseObject({
  displayName: z.string().optional(),
  email: z.string().optional(),
  picture: z.string().optional(),
});

/** Reads `spec[field]` as a list of strings (a single string counts as one). */
function refsAt(entity: Entity, field: string): string[] {
  const value = entity.spec?.[field];
  if (typeof value === 'string') return value ? [value] : [];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string' && v !== '');
  return [];
}

/** Builds a `relations(entity)` function from `[specField, relationType, defaultKind]` rules. */
export function relationsFromSpec(rules: Array<[field: string, type: string, defaultKind: string | undefined]>) {
  return (entity: Entity): EmittedRelation[] => {
    const out: EmittedRelation[] = [];
    for (const [field, type, defaultKind] of rules) {
      for (const targetRef of refsAt(entity, field)) out.push(defaultKind ? { type, targetRef, defaultKind } : { type, targetRef });
    }
    return out;
  };
}
