import { z } from 'zod';
import type { RuleEvaluationContext, RuleType } from '../../extensions';
import type { RuleEvaluation } from '@portico/plugin-scorecards-common';
import { describeValue, readFact } from './readFact';

function compare(
  context: RuleEvaluationContext<unknown>,
  fact: string,
  limit: number,
  holds: (value: number) => boolean,
  relation: string,
): RuleEvaluation {
  const read = readFact(context, fact);
  if (!read.ok) return read.evaluation;
  const value = read.value;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return {
      status: 'unknown',
      evidence: { [fact]: value },
      message: `${fact} is not a number (${describeValue(value)})`,
    };
  }
  const ok = holds(value);
  return {
    status: ok ? 'pass' : 'fail',
    evidence: { [fact]: value },
    message: ok ? `${fact} is ${value}, ${relation} ${limit}` : `${fact} is ${value}, not ${relation} ${limit}`,
  };
}

const targetParams = z.object({ fact: z.string().min(1), min: z.number() }).strict();
const thresholdParams = z.object({ fact: z.string().min(1), max: z.number() }).strict();

/** `target`: passes when a number reaches a goal (`value >= min`). */
export const targetRuleType: RuleType<z.infer<typeof targetParams>> = {
  type: 'target',
  description: 'Passes when a numeric fact is at least `min`.',
  paramsSchema: targetParams,
  evaluate(context) {
    return compare(context, context.params.fact, context.params.min, v => v >= context.params.min, 'at least');
  },
};

/** `threshold`: passes when a number stays under a limit (`value <= max`). */
export const thresholdRuleType: RuleType<z.infer<typeof thresholdParams>> = {
  type: 'threshold',
  description: 'Passes when a numeric fact is at most `max`.',
  paramsSchema: thresholdParams,
  evaluate(context) {
    return compare(context, context.params.fact, context.params.max, v => v <= context.params.max, 'at most');
  },
};
