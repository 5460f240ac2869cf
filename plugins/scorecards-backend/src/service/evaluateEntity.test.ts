import type { Entity } from '@portico/catalog-model';
import type { RuleType } from '../extensions';
import { createScorecardCompiler, type CompiledScorecard } from './compileScorecard';
import { evaluateEntity, type FactSnapshot } from './evaluateEntity';
import { builtinRuleTypes } from './ruleTypes';

const ruleTypes = new Map<string, RuleType<unknown>>(builtinRuleTypes.map(t => [t.type, t]));
const compile = createScorecardCompiler(ruleTypes);

function scorecardEntity(spec: Record<string, unknown>, name = 'production-readiness'): Entity {
  return { apiVersion: 'portico.dev/v1alpha1', kind: 'Scorecard', metadata: { name, title: 'Production readiness' }, spec };
}

const readinessSpec = {
  owner: 'group:default/platform',
  filter: { kind: 'component', 'spec.type': 'service' },
  levels: [
    { name: 'Bronze', rank: 1, color: '#c38b5f' },
    { name: 'Silver', rank: 2, color: '#8c9298' },
    { name: 'Gold', rank: 3, color: '#cda400' },
  ],
  rules: [
    { id: 'has-owner', title: 'Has an owner', type: 'binary', params: { fact: 'catalog.hasOwner' }, level: 'Bronze' },
    { id: 'has-runbook', type: 'binary', params: { fact: 'catalog.hasRunbook' }, level: 'Silver', weight: 2 },
    { id: 'coverage', type: 'target', params: { fact: 'coverage.percent', min: 80 }, level: 'Gold', maxAge: 'P7D' },
  ],
  schedule: 'PT1H',
};

const service: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments' },
  spec: { type: 'service', owner: 'team-a' },
};

function compiled(spec: Record<string, unknown> = readinessSpec): CompiledScorecard {
  const result = compile(scorecardEntity(spec));
  if (!result.ok) throw new Error(result.errors.join('; '));
  return result.scorecard;
}

const now = new Date('2026-11-27T10:00:00Z');
const fresh = (value: FactSnapshot['value']): FactSnapshot => ({ value, collectedAt: now.getTime() - 1000 });

describe('createScorecardCompiler', () => {
  it('accepts the scorecard of the issue', () => {
    const card = compiled();
    expect(card.ref).toBe('scorecard:default/production-readiness');
    expect(card.scheduleMs).toBe(3_600_000);
    expect(card.rules.map(r => r.rule.id)).toEqual(['has-owner', 'has-runbook', 'coverage']);
  });

  it('names the rule with an unknown rule type', () => {
    const result = compile(scorecardEntity({ ...readinessSpec, rules: [{ id: 'r1', type: 'binry', params: { fact: 'x' } }] }));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toEqual([
      "spec.rules.0.type: rule r1: unknown rule type 'binry' (known: binary, expression, match, target, threshold)",
    ]);
  });

  it('names the rule whose params fail the rule type schema', () => {
    const result = compile(scorecardEntity({ ...readinessSpec, rules: [{ id: 'cov', type: 'target', params: { fact: 'c', min: 'high' } }] }));
    expect(!result.ok && result.errors[0]).toMatch(/^spec\.rules\.0\.params\.min: rule cov: params\.min /);
  });

  it('names the rule that uses an undefined level', () => {
    const result = compile(scorecardEntity({ ...readinessSpec, rules: [{ id: 'r', type: 'binary', params: { fact: 'x' }, level: 'Platinum' }] }));
    expect(!result.ok && result.errors).toEqual(["spec.rules.0.level: rule r: level 'Platinum' is not defined in levels"]);
  });

  it('names the rule whose CEL expression does not parse', () => {
    const result = compile(scorecardEntity({ ...readinessSpec, rules: [{ id: 'cel', type: 'expression', params: { expression: 'facts.x >' } }] }));
    expect(!result.ok && result.errors[0]).toMatch(/^spec\.rules\.0\.params\.expression: rule cel: params\.expression CEL expression does not parse/);
  });

  it('rejects a filter that can never match and a bad schedule', () => {
    const result = compile(scorecardEntity({ ...readinessSpec, filter: { kind: [] }, schedule: 'hourly' }));
    expect(!result.ok && result.errors).toEqual([
      'spec.schedule: must be an ISO-8601 duration such as PT1H',
      'spec.filter: filter.kind is an empty list and can never match',
    ]);
  });
});

describe('evaluateEntity', () => {
  it('derives level and score from the rule results', () => {
    const result = evaluateEntity({
      scorecard: compiled(),
      entity: service,
      facts: new Map([
        ['catalog.hasOwner', fresh(true)],
        ['catalog.hasRunbook', fresh(true)],
        ['coverage.percent', fresh(72)],
      ]),
      now,
    });
    expect(result).toMatchObject({
      entityRef: 'component:default/payments',
      level: 'Silver',
      levelRank: 2,
      score: 0.75,
      passed: 2,
      failed: 1,
      owner: 'group:default/team-a',
    });
    expect(result.rules[2]).toMatchObject({ ruleId: 'coverage', status: 'fail', evidence: { 'coverage.percent': 72 } });
  });

  it('is unknown for a fact older than the rule maxAge', () => {
    const result = evaluateEntity({
      scorecard: compiled(),
      entity: service,
      facts: new Map([
        ['catalog.hasOwner', fresh(true)],
        ['catalog.hasRunbook', fresh(true)],
        ['coverage.percent', { value: 95, collectedAt: now.getTime() - 8 * 86_400_000 }],
      ]),
      now,
    });
    expect(result.rules[2]).toMatchObject({ status: 'unknown', message: 'Fact coverage.percent is stale (collected 2026-11-19T10:00:00.000Z)' });
    expect(result.level).toBe('Silver');
    expect(result.unknown).toBe(1);
  });

  it('applies collector freshness limits', () => {
    const result = evaluateEntity({
      scorecard: compiled(),
      entity: service,
      facts: new Map([['catalog.hasOwner', { value: true, collectedAt: now.getTime() - 120_000 }]]),
      freshness: name => (name.startsWith('catalog.') ? 60_000 : undefined),
      now,
    });
    expect(result.rules[0].status).toBe('unknown');
  });

  it('marks exempted failing rules and counts them as passing', () => {
    const result = evaluateEntity({
      scorecard: compiled(),
      entity: service,
      facts: new Map([['catalog.hasOwner', fresh(true)], ['catalog.hasRunbook', fresh(false)], ['coverage.percent', fresh(90)]]),
      exemptedRules: new Set(['has-runbook']),
      now,
    });
    expect(result.rules[1]).toMatchObject({ status: 'fail', exempted: true });
    expect(result.level).toBe('Gold');
    expect(result.score).toBe(1);
  });

  it('keeps evaluating when a rule type throws', () => {
    const broken: RuleType<unknown> = {
      type: 'broken',
      paramsSchema: builtinRuleTypes[0].paramsSchema,
      evaluate() {
        throw new Error('boom');
      },
    };
    const withBroken = createScorecardCompiler(new Map([...ruleTypes, ['broken', broken]]));
    const card = withBroken(scorecardEntity({ ...readinessSpec, rules: [
      { id: 'b', type: 'broken', params: { fact: 'x' } },
      { id: 'o', type: 'binary', params: { fact: 'catalog.hasOwner' } },
    ] }));
    if (!card.ok) throw new Error(card.errors.join());
    const result = evaluateEntity({ scorecard: card.scorecard, entity: service, facts: new Map([['catalog.hasOwner', fresh(true)]]), now });
    expect(result.rules.map(r => [r.status, r.message])).toEqual([
      ['unknown', 'Rule type broken failed: boom'],
      ['pass', 'catalog.hasOwner holds'],
    ]);
  });
});
