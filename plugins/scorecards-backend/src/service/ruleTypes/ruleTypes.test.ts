import type { Entity } from '@portico/catalog-model';
import type { JsonValue } from '@portico/plugin-scorecards-common';
import type { RuleType } from '../../extensions';
import { binaryRuleType, expressionRuleType, matchRuleType, targetRuleType, thresholdRuleType } from '.';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments', tags: ['java', 'pci'] },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
};

function run<P>(ruleType: RuleType<P>, params: unknown, facts: Record<string, JsonValue>, staleFacts: Record<string, string> = {}) {
  const parsed = ruleType.paramsSchema.parse(params);
  return ruleType.evaluate({ entity, facts, staleFacts, params: parsed, now: new Date() });
}

describe('binary', () => {
  it('passes on true and fails on false with the value as evidence', () => {
    expect(run(binaryRuleType, { fact: 'catalog.hasOwner' }, { 'catalog.hasOwner': true })).toEqual({
      status: 'pass',
      evidence: { 'catalog.hasOwner': true },
      message: 'catalog.hasOwner holds',
    });
    expect(run(binaryRuleType, { fact: 'catalog.hasOwner' }, { 'catalog.hasOwner': false }).status).toBe('fail');
  });

  it('treats a present non-empty value as holding', () => {
    expect(run(binaryRuleType, { fact: 'x' }, { x: 'yes' }).status).toBe('pass');
    expect(run(binaryRuleType, { fact: 'x' }, { x: [] }).status).toBe('fail');
  });

  it('is unknown when the fact is missing or stale', () => {
    expect(run(binaryRuleType, { fact: 'x' }, {})).toEqual({ status: 'unknown', evidence: {}, message: 'Fact x is missing' });
    const stale = run(binaryRuleType, { fact: 'x' }, {}, { x: '2026-01-01T00:00:00.000Z' });
    expect(stale.status).toBe('unknown');
    expect(stale.message).toBe('Fact x is stale (collected 2026-01-01T00:00:00.000Z)');
  });

  it('rejects params without a fact', () => {
    expect(binaryRuleType.paramsSchema.safeParse({}).success).toBe(false);
    expect(binaryRuleType.paramsSchema.safeParse({ fact: 'x', extra: 1 }).success).toBe(false);
  });
});

describe('target and threshold', () => {
  it('compares against min and max', () => {
    expect(run(targetRuleType, { fact: 'coverage', min: 80 }, { coverage: 85 }).status).toBe('pass');
    expect(run(targetRuleType, { fact: 'coverage', min: 80 }, { coverage: 80 }).status).toBe('pass');
    const fail = run(targetRuleType, { fact: 'coverage', min: 80 }, { coverage: 72 });
    expect(fail).toEqual({ status: 'fail', evidence: { coverage: 72 }, message: 'coverage is 72, not at least 80' });
    expect(run(thresholdRuleType, { fact: 'bugs', max: 5 }, { bugs: 3 }).status).toBe('pass');
    expect(run(thresholdRuleType, { fact: 'bugs', max: 5 }, { bugs: 6 }).status).toBe('fail');
  });

  it('is unknown for a non-number fact', () => {
    expect(run(targetRuleType, { fact: 'coverage', min: 80 }, { coverage: 'high' }).status).toBe('unknown');
  });

  it('rejects a non-numeric min', () => {
    expect(targetRuleType.paramsSchema.safeParse({ fact: 'x', min: 'eighty' }).success).toBe(false);
  });
});

describe('match', () => {
  it('passes when the value is in the list', () => {
    expect(run(matchRuleType, { fact: 'catalog.lifecycle', in: ['production', 'experimental'] }, { 'catalog.lifecycle': 'production' }).status).toBe('pass');
    const fail = run(matchRuleType, { fact: 'catalog.lifecycle', in: ['production'] }, { 'catalog.lifecycle': 'deprecated' });
    expect(fail.status).toBe('fail');
    expect(fail.message).toBe('catalog.lifecycle is "deprecated", not one of "production"');
  });

  it('matches a regular expression pattern, any element of a list', () => {
    expect(run(matchRuleType, { fact: 'lang', pattern: '^java' }, { lang: 'javascript' }).status).toBe('pass');
    expect(run(matchRuleType, { fact: 'tags', pattern: '^pci$' }, { tags: ['java', 'pci'] }).status).toBe('pass');
    expect(run(matchRuleType, { fact: 'lang', pattern: '^go$' }, { lang: 'golang' }).status).toBe('fail');
  });

  it('rejects an invalid pattern and an empty list', () => {
    expect(matchRuleType.paramsSchema.safeParse({ fact: 'x', pattern: '(' }).success).toBe(false);
    expect(matchRuleType.paramsSchema.safeParse({ fact: 'x', in: [] }).success).toBe(false);
  });
});

describe('expression (CEL)', () => {
  it('evaluates over entity and facts', () => {
    const r = run(
      expressionRuleType,
      { expression: 'entity.spec.lifecycle == "production" && facts["coverage.percent"] >= 80' },
      { 'coverage.percent': 91 },
    );
    expect(r).toEqual({
      status: 'pass',
      evidence: { 'coverage.percent': 91 },
      message: 'entity.spec.lifecycle == "production" && facts["coverage.percent"] >= 80 is true',
    });
    expect(run(expressionRuleType, { expression: 'size(entity.metadata.tags) > 2' }, {}).status).toBe('fail');
  });

  it('reads dotted fact names as nested fields', () => {
    expect(run(expressionRuleType, { expression: 'facts.catalog.tagCount >= 2.0' }, { 'catalog.tagCount': 2 }).status).toBe('pass');
  });

  it('is unknown when a fact it reads is missing or stale', () => {
    const missing = run(expressionRuleType, { expression: 'facts.coverage > 10' }, {});
    expect(missing.status).toBe('unknown');
    expect(missing.message).toBe('Expression reads coverage, which is missing');
    const stale = run(expressionRuleType, { expression: 'facts.coverage > 10' }, {}, { coverage: '2026-01-01T00:00:00.000Z' });
    expect(stale.message).toBe('Fact coverage is stale (collected 2026-01-01T00:00:00.000Z)');
  });

  it('is unknown when the result is not a boolean', () => {
    expect(run(expressionRuleType, { expression: 'entity.metadata.name' }, {}).message).toBe('Expression yields string, not a boolean');
  });

  it('rejects an expression that does not parse, in the params schema', () => {
    const result = expressionRuleType.paramsSchema.safeParse({ expression: 'facts.x >' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].message).toMatch(/^CEL expression does not parse: /);
  });

  it('rejects variables other than entity and facts', () => {
    expect(expressionRuleType.paramsSchema.safeParse({ expression: 'process.env == 1' }).success).toBe(false);
  });
});
