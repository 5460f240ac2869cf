import { z } from 'zod';
import {
  isValidAnnotationKey,
  isValidAnnotationValue,
  isValidApiVersion,
  isValidEntityName,
  isValidKind,
  isValidLabelKey,
  isValidLabelValue,
  isValidNamespace,
  isValidTag,
} from '../validation/rules';

const RULES = {
  name: '1-63 characters [a-zA-Z0-9] separated by [-_.]',
  namespace: '1-63 lower-case characters [a-z0-9] separated by [-]',
  kind: '1-63 characters [a-zA-Z0-9], starting with a letter',
  apiVersion: 'the form group/version, e.g. backstage.io/v1alpha1',
  key: 'the form [prefix/]name, prefix a DNS subdomain of at most 253 characters, name 1-63 characters [a-zA-Z0-9] separated by [-_.]',
  labelValue: 'empty or 1-63 characters [a-zA-Z0-9] separated by [-_.]',
  tag: '1-63 lower-case characters [a-z0-9:+#] separated by [-]',
};

/** A zod error map that says "is required" / "must be a …" instead of zod's generic text. */
function typed(expected: string) {
  return {
    error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : `must be ${expected}, got ${describe(issue.input)}`),
  };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function formatted(check: (v: string) => boolean, what: string, rule: string) {
  return z.string(typed('a string')).refine(check, { error: issue => `${JSON.stringify(issue.input)} is not a valid ${what}: expected ${rule}` });
}

function stringMap(isKey: (v: string) => boolean, isValue: (v: unknown) => boolean, what: string, valueRule: string) {
  return z.record(z.string(), z.unknown(), typed('an object')).superRefine((map, ctx) => {
    for (const [key, value] of Object.entries(map)) {
      if (!isKey(key)) {
        ctx.addIssue({ code: 'custom', path: [key], message: `${JSON.stringify(key)} is not a valid ${what} key: expected ${RULES.key}` });
      } else if (typeof value !== 'string') {
        ctx.addIssue({ code: 'custom', path: [key], message: `must be a string, got ${describe(value)}` });
      } else if (!isValue(value)) {
        ctx.addIssue({ code: 'custom', path: [key], message: `${JSON.stringify(value)} is not a valid ${what} value: expected ${valueRule}` });
      }
    }
  }) as unknown as z.ZodType<Record<string, string>>;
}

/** One entry of `metadata.links`. */
export const entityLinkSchema = z.looseObject({
  url: z.string(typed('a string')).min(1, { error: 'must not be empty' }),
  title: z.string(typed('a string')).optional(),
  icon: z.string(typed('a string')).optional(),
  type: z.string(typed('a string')).optional(),
});

/** `metadata`: unknown extra fields are kept, as Backstage does. */
export const entityMetaSchema = z.looseObject({
  name: formatted(isValidEntityName, 'entity name', RULES.name),
  namespace: formatted(isValidNamespace, 'namespace', RULES.namespace).optional(),
  uid: z.string(typed('a string')).optional(),
  etag: z.string(typed('a string')).optional(),
  title: z.string(typed('a string')).optional(),
  description: z.string(typed('a string')).optional(),
  labels: stringMap(isValidLabelKey, isValidLabelValue, 'label', RULES.labelValue).optional(),
  annotations: stringMap(isValidAnnotationKey, isValidAnnotationValue, 'annotation', 'a string').optional(),
  tags: z.array(formatted(isValidTag, 'tag', RULES.tag), typed('an array')).optional(),
  links: z.array(entityLinkSchema, typed('an array')).optional(),
}, typed('an object'));

export const entityRelationSchema = z.object({
  type: z.string(typed('a string')).min(1),
  targetRef: z.string(typed('a string')).min(1),
});

/**
 * The entity envelope: apiVersion, kind, metadata, spec, relations, status. Unknown root fields are
 * rejected (Backstage's NoForeignRootFieldsEntityPolicy); `spec` is checked by the kind's own schema.
 */
export const entityEnvelopeSchema = z.strictObject({
  apiVersion: formatted(isValidApiVersion, 'apiVersion', RULES.apiVersion),
  kind: formatted(isValidKind, 'kind', RULES.kind),
  metadata: entityMetaSchema,
  spec: z.record(z.string(), z.unknown(), typed('an object')).optional(),
  relations: z.array(entityRelationSchema, typed('an array')).optional(),
  status: z.record(z.string(), z.unknown(), typed('an object')).optional(),
}, typed('an object'));
