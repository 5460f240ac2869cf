import type { Entity } from '../entity/Entity';
import { entityEnvelopeSchema } from '../entity/entityEnvelopeSchema';
import { envelopeCertainlyValid } from './fastEnvelopeCheck';
import { EntityValidationError, issuesFromZod, type EntityValidationResult } from './EntityValidationError';

/**
 * Checks the envelope (apiVersion, kind, metadata, no foreign root fields) with Backstage's rules.
 * `spec` is only checked to be an object here; the kind's schema checks its fields (see `validateEntity`).
 */
export function validateEntityEnvelope(value: unknown): EntityValidationResult<Entity> {
  if (envelopeCertainlyValid(value)) return { ok: true, entity: value as Entity };
  const result = entityEnvelopeSchema.safeParse(value);
  if (result.success) return { ok: true, entity: value as Entity };
  return { ok: false, errors: issuesFromZod(result.error.issues) };
}

/** Like `validateEntityEnvelope`, but throws an `EntityValidationError`. */
export function assertValidEntityEnvelope(value: unknown): Entity {
  const result = validateEntityEnvelope(value);
  if (!result.ok) throw new EntityValidationError(result.errors);
  return result.entity;
}
