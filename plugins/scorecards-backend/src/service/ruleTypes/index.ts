import type { RuleType } from '../../extensions';
import { binaryRuleType } from './binaryRuleType';
import { expressionRuleType } from './expressionRuleType';
import { matchRuleType } from './matchRuleType';
import { targetRuleType, thresholdRuleType } from './numberRuleTypes';

export { binaryRuleType, expressionRuleType, matchRuleType, targetRuleType, thresholdRuleType };
export { readFact } from './readFact';

/** The rule types every scorecards backend has. */
export const builtinRuleTypes: RuleType<unknown>[] = [
  binaryRuleType,
  targetRuleType,
  thresholdRuleType,
  matchRuleType,
  expressionRuleType,
];
