import path from 'node:path';
import catalogPlugin from '@portico/plugin-catalog-backend';
import { mockServices, startTestBackend, type TestBackend, eventually } from '@portico/test-utils';
import request from 'supertest';
import {  } from './__testUtils__/testScorecardsBackend';
import { scorecardsPlugin } from './plugin';

const examples = path.resolve(__dirname, '../../../examples');

describe('the example scorecards', () => {
  let backend: TestBackend;

  beforeAll(async () => {
    backend = await startTestBackend({
      features: [catalogPlugin, scorecardsPlugin],
      services: [mockServices.scheduler.factory()],
      config: {
        integrations: { file: { roots: [examples] } },
        catalog: {
          locations: [
            { type: 'file', target: path.join(examples, 'catalog/all.yaml') },
            { type: 'file', target: path.join(examples, 'scorecards/location.yaml') },
          ],
        },
      },
    });
  });

  afterAll(async () => {
    await backend?.stop();
  });

  it('load from their Location without errors and score the example organisation', async () => {
    const list = await eventually(async () => {
      const r = await request(backend.server).get('/api/scorecards/scorecards').expect(200);
      expect(r.body.items.map((s: { ref: string }) => s.ref).sort()).toEqual([
        'scorecard:default/catalog-hygiene',
        'scorecard:default/production-readiness',
      ]);
      return r.body.items;
    }, 10_000);
    for (const card of list) expect(card.errors).toEqual([]);
    const errors = await request(backend.server).get('/api/catalog/entities/errors').expect(200);
    expect(errors.body.items.filter((e: { entityRef?: string }) => e.entityRef?.startsWith('scorecard:'))).toEqual([]);
    const results = await eventually(async () => {
      const r = await request(backend.server).get('/api/scorecards/scorecards/default/production-readiness/results?limit=100').expect(200);
      expect(r.body.totalItems).toBeGreaterThan(5);
      return r.body;
    }, 10_000);
    const cart = results.items.find((i: { entityRef: string }) => i.entityRef === 'component:default/cart-service');
    expect(cart).toMatchObject({ owner: expect.stringMatching(/^group:default\//) });
    expect(cart.failingRules).toContain('coverage');
  });
});
