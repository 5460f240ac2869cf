import { createBackendModule } from '@portico/backend-plugin-api';
import { stringifyEntityRef } from '@portico/catalog-model';
import { eventually } from '@portico/test-utils';
import request from 'supertest';
import { z } from 'zod';
import { component, platform, readinessSpec, scorecard, startScorecardsBackend, teamA, type ScorecardsTestBackend } from './__testUtils__/testScorecardsBackend';
import { scorecardsFactCollectorsExtensionPoint, scorecardsRuleTypesExtensionPoint } from './extensions';

// A rule type and a fact collector contributed by a module, as an integration would.
const ciModule = createBackendModule({
  pluginId: 'scorecards',
  moduleId: 'ci',
  register(env) {
    env.registerInit({
      deps: { ruleTypes: scorecardsRuleTypesExtensionPoint, collectors: scorecardsFactCollectorsExtensionPoint },
      async init({ ruleTypes, collectors }) {
        ruleTypes.addRuleType({
          type: 'even',
          paramsSchema: z.object({ fact: z.string() }),
          evaluate({ facts, params }) {
            const value = facts[params.fact];
            if (typeof value !== 'number') return { status: 'unknown', evidence: {}, message: `${params.fact} is missing` };
            return { status: value % 2 === 0 ? 'pass' : 'fail', evidence: { [params.fact]: value }, message: `${value} is ${value % 2 ? 'odd' : 'even'}` };
          },
        });
        collectors.addFactCollector({
          id: 'ci',
          filter: { kind: 'component' },
          facts: { 'ci.buildCount': z.number().int() },
          schedule: 'PT5M',
          async collect(entities) {
            return entities.map(e => ({ entityRef: stringifyEntityRef(e), facts: { 'ci.buildCount': e.metadata.name.length } }));
          },
        });
      },
    });
  },
});

const ciSpec = {
  owner: 'group:default/platform',
  filter: { kind: 'component' },
  levels: [{ name: 'Ok', rank: 1 }],
  rules: [
    { id: 'even-builds', type: 'even', params: { fact: 'ci.buildCount' }, level: 'Ok' },
    { id: 'many-builds', type: 'expression', params: { expression: 'facts["ci.buildCount"] >= 5.0 && entity.spec.lifecycle == "production"' } },
  ],
};

const brokenSpec = {
  ...readinessSpec,
  rules: [
    { id: 'typo', type: 'binry', params: { fact: 'catalog.hasOwner' } },
    { id: 'bad-cel', type: 'expression', params: { expression: 'facts.x >' } },
    { id: 'no-level', type: 'binary', params: { fact: 'catalog.hasOwner' }, level: 'Platinum' },
  ],
};

describe('extension points and bad scorecards', () => {
  let backend: ScorecardsTestBackend;

  beforeAll(async () => {
    backend = await startScorecardsBackend({
      entities: [teamA, platform, component('payments'), component('api'), scorecard(ciSpec, 'ci'), scorecard(brokenSpec, 'broken')],
      features: [ciModule],
    });
  });

  afterAll(async () => {
    await backend?.stop();
  });

  it('evaluates rules of a contributed rule type over facts of a contributed collector', async () => {
    await backend.scheduler.triggerTask('scorecards-collect-ci');
    const result = await eventually(async () => {
      const r = await request(backend.server).get('/api/scorecards/entities/component/default/payments').expect(200);
      const ci = r.body.scorecards.find((s: { scorecardRef: string }) => s.scorecardRef === 'scorecard:default/ci');
      expect(ci.rules[0].status).not.toBe('unknown');
      return ci;
    });
    // "payments" has 8 letters: an even build count, and at least 5.
    expect(result.rules.map((r: { ruleId: string; status: string }) => [r.ruleId, r.status])).toEqual([
      ['even-builds', 'pass'],
      ['many-builds', 'pass'],
    ]);
    expect(result.level).toBe('Ok');
    const facts = await request(backend.server).get('/api/scorecards/entities/component/default/payments/facts').expect(200);
    expect(facts.body.items.find((f: { name: string }) => f.name === 'ci.buildCount')).toMatchObject({ value: 8, source: 'ci' });
  });

  it('keeps a scorecard with errors out of evaluation, naming each broken rule, while others evaluate', async () => {
    const res = await request(backend.server).post('/api/scorecards/evaluate').send({ scorecardRef: 'scorecard:default/ci' }).expect(200);
    expect(res.body.results).toHaveLength(2);
    // The catalog checks the Scorecard kind's spec schema and records the errors against the entity.
    const errors = await eventually(async () => {
      const r = await request(backend.server).get('/api/catalog/entities/errors?entityRef=scorecard:default/broken').expect(200);
      expect(r.body.items.length).toBeGreaterThan(0);
      return JSON.stringify(r.body.items);
    });
    expect(errors).toContain("rule typo: unknown rule type 'binry'");
    expect(errors).toContain('rule bad-cel: params.expression CEL expression does not parse');
    expect(errors).toContain("rule no-level: level 'Platinum' is not defined in levels");
    const evaluate = await request(backend.server).post('/api/scorecards/evaluate').send({ scorecardRef: 'scorecard:default/broken' });
    expect([404, 409]).toContain(evaluate.status);
  });
});
