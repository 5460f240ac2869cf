import { validateEntityFilter } from '@portico/plugin-catalog-common';
import { type ScorecardSpec } from '@portico/plugin-scorecards-common';
import { z } from 'zod';
import type { RuleType } from '../extensions';
import { durationSchema } from '@portico/backend-plugin-api';

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const filterSchema = z.record(z.string(), z.union([scalar, z.array(scalar)]));
// Kept as written in the entity; checked with the one duration grammar.
const isoDuration = z.string().refine(v => durationSchema.safeParse(v).success, { message: 'must be an ISO-8601 duration such as PT1H' });

const levelSchema = z.object({
  name: z.string().min(1),
  rank: z.number().int(),
  color: z.string().optional(),
});

const ruleSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/i, { message: 'must be letters, digits, dots, dashes or underscores' }),
  title: z.string().optional(),
  description: z.string().optional(),
  remediation: z.string().optional(),
  type: z.string().min(1),
  params: z.record(z.string(), z.unknown()).default({}),
  level: z.string().optional(),
  weight: z.number().positive().optional(),
  maxAge: isoDuration.optional(),
});

/** The shape of a Scorecard's spec, before rule types are consulted. */
export const scorecardSpecBaseSchema = z.object({
  owner: z.string().min(1),
  filter: z.union([filterSchema, z.array(filterSchema)]).optional(),
  levels: z.array(levelSchema).default([]),
  rules: z.array(ruleSchema).min(1),
  schedule: isoDuration.optional(),
});

/**
 * The full spec schema: the shape plus what needs the registered rule types. Every error names
 * the rule (`rules[1] (has-runbook): unknown rule type 'binry'`), so it reads well on the entity.
 */
export function createScorecardSpecSchema(ruleTypes: ReadonlyMap<string, RuleType<unknown>>): z.ZodType<ScorecardSpec> {
  return scorecardSpecBaseSchema.superRefine((spec, ctx) => {
    for (const message of validateEntityFilter(spec.filter)) ctx.addIssue({ code: 'custom', path: ['filter'], message });

    const levelNames = new Set<string>();
    const ranks = new Set<number>();
    spec.levels.forEach((level, i) => {
      if (levelNames.has(level.name)) ctx.addIssue({ code: 'custom', path: ['levels', i, 'name'], message: `level '${level.name}' is defined twice` });
      if (ranks.has(level.rank)) ctx.addIssue({ code: 'custom', path: ['levels', i, 'rank'], message: `rank ${level.rank} is used by two levels` });
      levelNames.add(level.name);
      ranks.add(level.rank);
    });

    const ids = new Set<string>();
    spec.rules.forEach((rule, i) => {
      const name = `rule ${rule.id}`;
      if (ids.has(rule.id)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `${name}: id is used twice` });
      ids.add(rule.id);
      if (rule.level !== undefined && !levelNames.has(rule.level)) {
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'level'], message: `${name}: level '${rule.level}' is not defined in levels` });
      }
      const ruleType = ruleTypes.get(rule.type);
      if (!ruleType) {
        const known = [...ruleTypes.keys()].sort().join(', ');
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'type'], message: `${name}: unknown rule type '${rule.type}' (known: ${known})` });
        return;
      }
      const parsed = ruleType.paramsSchema.safeParse(rule.params);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          const where = issue.path.length ? `params.${issue.path.map(String).join('.')}` : 'params';
          ctx.addIssue({
            code: 'custom',
            path: ['rules', i, 'params', ...issue.path.map(p => (typeof p === 'symbol' ? String(p) : p))],
            message: `${name}: ${where} ${issue.message}`,
          });
        }
      }
    });
  }) as unknown as z.ZodType<ScorecardSpec>;
}

/** Formats zod issues of a spec as one sentence each, prefixed with their path. */
export function describeSpecIssues(error: z.ZodError): string[] {
  return error.issues.map(issue => {
    const path = ['spec', ...issue.path.map(String)].join('.');
    return `${path}: ${issue.message}`;
  });
}
