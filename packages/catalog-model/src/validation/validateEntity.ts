import type { Entity, EntityRelation } from '../entity/Entity';
import { DEFAULT_NAMESPACE } from '../entity/constants';
import type { CatalogKindDefinition } from '../kinds/CatalogKindDefinition';
import { builtinKinds } from '../kinds/builtinKinds';
import { parseEntityRef, stringifyEntityRef } from '../ref/entityRef';
import { createIssue, EntityValidationError, issuesFromZod, type EntityValidationIssue, type EntityValidationResult } from './EntityValidationError';
import { fastAcceptOf } from './fastSpecCheck';
import { findForbiddenKey } from './forbiddenKeys';
import { validateEntityEnvelope } from './validateEntityEnvelope';

/** The kind definition for an entity's kind (case-insensitive), or undefined. */
export function findKind(kind: string, kinds: ReadonlyArray<CatalogKindDefinition> = builtinKinds): CatalogKindDefinition | undefined {
  const wanted = kind.toLowerCase();
  return kinds.find(k => k.kind.toLowerCase() === wanted);
}

export interface ValidateEntityOptions {
  /** The kinds to accept; the built-in kinds by default. */
  kinds?: ReadonlyArray<CatalogKindDefinition>;
}

/**
 * Validates the envelope, the kind (known, apiVersion supported), `spec` against the kind's schema and
 * the refs of the relations the kind emits. Reports every problem it can find in one pass: spec problems
 * are reported alongside envelope problems whenever the kind and apiVersion are usable. Keys that reach
 * prototypes (`FORBIDDEN_ENTITY_KEYS`) are refused at any depth, before anything else is looked at.
 */
export function validateEntity(value: unknown, options: ValidateEntityOptions = {}): EntityValidationResult<Entity> {
  // checked first: nothing below may walk or copy an object carrying such a key
  const forbidden = findForbiddenKey(value);
  if (forbidden) return { ok: false, errors: [createIssue(forbidden, `"${String(forbidden[forbidden.length - 1])}" is not allowed as a key`)] };
  const envelope = validateEntityEnvelope(value);
  const errors: EntityValidationIssue[] = envelope.ok ? [] : [...envelope.errors];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, errors };
  const { kind: kindName, apiVersion, spec } = value as Record<string, unknown>;
  const failed = (path: string) => errors.some(e => e.path === path);
  const kinds = options.kinds ?? builtinKinds;
  const kind = typeof kindName === 'string' ? findKind(kindName, kinds) : undefined;
  if (!kind) {
    if (typeof kindName === 'string' && !failed('kind')) {
      const known = kinds.map(k => k.kind).join(', ');
      errors.push(createIssue(['kind'], `unknown kind "${kindName}"; known kinds are ${known}`));
    }
    return { ok: false, errors };
  }
  if (typeof apiVersion !== 'string' || !kind.apiVersions.includes(apiVersion)) {
    if (!failed('apiVersion')) {
      const text = `"${String(apiVersion)}" is not a supported apiVersion of kind ${kind.kind}; expected ${kind.apiVersions.join(' or ')}`;
      errors.push(createIssue(['apiVersion'], text));
    }
    return { ok: false, errors };
  }
  if (failed('spec')) return { ok: false, errors };
  // the schema is asked whenever its fast check does not certainly accept (see fastSpecCheck)
  if (!fastAcceptOf(kind.specSchema)?.(spec ?? {})) {
    const specResult = kind.specSchema.safeParse(spec ?? {});
    if (!specResult.success) errors.push(...issuesFromZod(specResult.error.issues, ['spec']));
  }
  if (errors.length) return { ok: false, errors };
  const entity = value as Entity;
  try {
    for (const relation of kind.relations?.(entity) ?? []) {
      try {
        parseEntityRef(relation.targetRef, { defaultKind: relation.defaultKind });
      } catch (error) {
        errors.push(createIssue(['relations'], `${relation.type}: ${(error as Error).message}`));
      }
    }
  } catch (error) {
    errors.push(createIssue(['spec'], `kind ${kind.kind} could not derive relations: ${(error as Error).message}`));
  }
  return errors.length ? { ok: false, errors } : { ok: true, entity };
}

/** Like `validateEntity`, but throws an `EntityValidationError`. */
export function assertValidEntity(value: unknown, options: ValidateEntityOptions = {}): Entity {
  const result = validateEntity(value, options);
  if (!result.ok) throw new EntityValidationError(result.errors);
  return result.entity;
}

/**
 * The relations an entity emits through its kind, with targets resolved to canonical lower-case refs
 * (kind defaults from the kind, namespace defaults to the entity's own). Reverse relations are not included.
 * @throws TypeError when a target ref cannot be parsed (run `validateEntity` first).
 */
export function getEmittedRelations(entity: Entity, kind: CatalogKindDefinition): EntityRelation[] {
  const namespace = entity.metadata.namespace || DEFAULT_NAMESPACE;
  const seen = new Set<string>();
  const out: EntityRelation[] = [];
  for (const relation of kind.relations?.(entity) ?? []) {
    const target = parseEntityRef(relation.targetRef, {
      defaultKind: relation.defaultKind,
      defaultNamespace: relation.defaultNamespace ?? namespace,
    });
    const targetRef = stringifyEntityRef(target);
    const key = `${relation.type} ${targetRef}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ type: relation.type, targetRef });
  }
  return out;
}
