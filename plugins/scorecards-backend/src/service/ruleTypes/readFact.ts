import type { JsonValue, RuleEvaluation } from '@portico/plugin-scorecards-common';
import type { RuleEvaluationContext } from '../../extensions';

/** A fact's value, or the `unknown` evaluation to return because it is missing or stale. */
export type FactRead = { ok: true; value: JsonValue } | { ok: false; evaluation: RuleEvaluation };

export function readFact(context: RuleEvaluationContext<unknown>, name: string): FactRead {
  if (Object.prototype.hasOwnProperty.call(context.facts, name)) {
    return { ok: true, value: context.facts[name] };
  }
  const staleSince = context.staleFacts[name];
  if (staleSince !== undefined) {
    return {
      ok: false,
      evaluation: { status: 'unknown', evidence: {}, message: `Fact ${name} is stale (collected ${staleSince})` },
    };
  }
  return { ok: false, evaluation: { status: 'unknown', evidence: {}, message: `Fact ${name} is missing` } };
}

export function describeValue(value: JsonValue): string {
  return typeof value === 'string' ? `"${value}"` : JSON.stringify(value);
}
