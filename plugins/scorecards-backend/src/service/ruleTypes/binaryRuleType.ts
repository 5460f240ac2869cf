import { z } from 'zod';
import type { RuleType } from '../../extensions';
import { describeValue, readFact } from './readFact';

const paramsSchema = z.object({ fact: z.string().min(1) }).strict();

/** `binary`: passes when the fact is true, or present and not false/null/empty. */
export const binaryRuleType: RuleType<z.infer<typeof paramsSchema>> = {
  type: 'binary',
  description: 'Passes when a fact is true (or present and not empty).',
  paramsSchema,
  evaluate(context) {
    const { fact } = context.params;
    const read = readFact(context, fact);
    if (!read.ok) return read.evaluation;
    const value = read.value;
    const holds =
      value !== false && value !== null && value !== 0 && value !== '' &&
      !(Array.isArray(value) && value.length === 0) &&
      !(typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0);
    return {
      status: holds ? 'pass' : 'fail',
      evidence: { [fact]: value },
      message: holds ? `${fact} holds` : `${fact} does not hold (${describeValue(value)})`,
    };
  },
};
