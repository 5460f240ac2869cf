import type { Entity } from '@portico/catalog-model';
import type { JsonValue } from '@portico/plugin-scorecards-common';
import { riskyPattern } from './celLimits';
import { expressionRuleType } from './expressionRuleType';
import { matchRuleType } from './matchRuleType';

const items = Array.from({ length: 5000 }, (_, i) => i);
const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments-api', description: 'x'.repeat(100_000), tags: ['java'] },
  spec: { type: 'service', owner: 'team-a', items },
};

function run(expression: string, facts: Record<string, JsonValue> = {}) {
  const params = expressionRuleType.paramsSchema.parse({ expression });
  const started = Date.now();
  const result = expressionRuleType.evaluate({ entity, facts, staleFacts: {}, params, now: new Date() });
  return { ...result, ms: Date.now() - started };
}

function refusal(expression: string): string | undefined {
  const parsed = expressionRuleType.paramsSchema.safeParse({ expression });
  return parsed.success ? undefined : parsed.error.issues[0].message;
}

describe('CEL expression limits', () => {
  it('still evaluates ordinary expressions, comprehensions and the example name pattern', () => {
    expect(run('entity.metadata.name.matches("^[a-z0-9]+(-[a-z0-9]+)*$")').status).toBe('pass');
    expect(run('entity.metadata.tags.exists(t, t == "java") && size(entity.spec.items) == 5000').status).toBe('pass');
    expect(run('entity.spec.items.all(i, i >= 0.0)').status).toBe('pass');
  });

  it('stops nested comprehensions over a large list at the step limit', () => {
    const result = run('entity.spec.items.all(x, entity.spec.items.all(y, x + y >= 0.0))');
    expect(result.status).toBe('unknown');
    expect(result.message).toBe('Expression failed: expression exceeded its limit of 100000 evaluation steps');
  });

  it('stops an expression that doubles a string until it is huge', () => {
    const doubling = 'cel.bind(a, entity.metadata.description, cel.bind(b, a + a, cel.bind(c, b + b, cel.bind(d, c + c, cel.bind(e, d + d, cel.bind(f, e + e, size(f + f) > 0))))))';
    const result = run(doubling);
    expect(result.status).toBe('unknown');
    expect(result.message).toBe('Expression failed: expression built a string over its limit of 1000000');
  });

  it('refuses long and deeply nested expressions when the scorecard is loaded', () => {
    expect(refusal(`entity.metadata.name == "${'x'.repeat(2000)}"`)).toBe('CEL expression is over a limit: expression is longer than 2000 characters');
    expect(refusal(`${'('.repeat(40)}true${')'.repeat(40)}`)).toMatch(/^CEL expression is over a limit: Exceeded maxDepth \(32\)/);
  });

  it('refuses patterns that can backtrack for ever, and patterns that are not literals', () => {
    expect(refusal('entity.metadata.name.matches("^(a+)+$")')).toMatch(/^CEL expression is over a limit: matches\("\^\(a\+\)\+\$"\): the repeated group \(a\+\)\+ can backtrack exponentially/);
    expect(refusal('entity.metadata.name.matches(entity.spec.owner)')).toBe('CEL expression is over a limit: matches() takes a literal pattern in scorecard expressions');
  });

  it('refuses matching a huge string', () => {
    expect(run('entity.metadata.description.matches("^x+y$")')).toMatchObject({
      status: 'unknown',
      message: 'Expression failed: matches() is limited to strings of 10000 characters',
    });
  });
});

describe('match rule patterns', () => {
  it('refuses a pattern that can backtrack for ever', () => {
    const parsed = matchRuleType.paramsSchema.safeParse({ fact: 'lang', pattern: '^(\\w+\\s?)*$' });
    expect(parsed.error?.issues[0].message).toBe('is refused: the repeated group (\\w+\\s?)* can backtrack exponentially');
    expect(matchRuleType.paramsSchema.safeParse({ fact: 'lang', pattern: '^(java|go|type)' }).success).toBe(true);
  });
});

describe('riskyPattern', () => {
  it.each(['^(a+)+$', '(a|a)*', '(\\w+\\s?)*$', '(a*)*b', '(.*a){20}', '(-[a-z-]+)*$', '(?:x+x+)+y'])('flags %s', pattern => {
    expect(riskyPattern(pattern)).toBeDefined();
  });
  it.each(['^[a-z0-9]+(-[a-z0-9]+)*$', '^(ab)*$', '^(foo|bar)+$', '^[a-z]+$', '^(\\.[a-z]+)*$', '(a+)?', '^v(\\d+)\\.(\\d+)$'])('accepts %s', pattern => {
    expect(riskyPattern(pattern)).toBeUndefined();
  });
});
