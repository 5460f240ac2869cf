import { z } from 'zod';
import type { RuleType } from '../../extensions';
import { riskyPattern } from './celLimits';
import { describeValue, readFact } from './readFact';

const scalar = z.union([z.string(), z.number(), z.boolean()]);

function isValidRegExp(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

const paramsSchema = z.union([
  z.object({ fact: z.string().min(1), in: z.array(scalar).min(1) }).strict(),
  z
    .object({
      fact: z.string().min(1),
      pattern: z
        .string()
        .min(1)
        .refine(isValidRegExp, { message: 'is not a valid regular expression' })
        // it runs on the main thread for every entity: refuse patterns that backtrack for ever
        .superRefine((pattern, ctx) => {
          const risk = riskyPattern(pattern);
          if (risk) ctx.addIssue({ code: 'custom', message: `is refused: ${risk}` });
        }),
    })
    .strict(),
]);

type MatchParams = z.infer<typeof paramsSchema>;
const compiled = new Map<string, RegExp>();

/** `match`: passes when a fact is one of a list (`in`) or matches a regular expression (`pattern`). */
export const matchRuleType: RuleType<MatchParams> = {
  type: 'match',
  description: 'Passes when a fact is one of `in`, or matches the regular expression `pattern`.',
  paramsSchema,
  evaluate(context) {
    const { params } = context;
    const read = readFact(context, params.fact);
    if (!read.ok) return read.evaluation;
    const value = read.value;
    const evidence = { [params.fact]: value };
    const values = Array.isArray(value) ? value : [value];
    if ('in' in params) {
      const ok = values.some(v => params.in.some(allowed => allowed === v));
      return {
        status: ok ? 'pass' : 'fail',
        evidence,
        message: ok
          ? `${params.fact} is ${describeValue(value)}`
          : `${params.fact} is ${describeValue(value)}, not one of ${params.in.map(v => describeValue(v)).join(', ')}`,
      };
    }
    let regexp = compiled.get(params.pattern);
    if (!regexp) {
      regexp = new RegExp(params.pattern);
      compiled.set(params.pattern, regexp);
    }
    const re = regexp;
    const ok = values.some(v => (typeof v === 'string' || typeof v === 'number') && re.test(String(v)));
    return {
      status: ok ? 'pass' : 'fail',
      evidence,
      message: ok
        ? `${params.fact} matches /${params.pattern}/`
        : `${params.fact} is ${describeValue(value)}, which does not match /${params.pattern}/`,
    };
  },
};
