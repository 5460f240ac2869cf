import request from 'supertest';
import { eventually } from '@portico/test-utils';
import { FakePagerDuty } from '../__testUtils__/FakePagerDuty';
import { INTEGRATION_KEY, seedPagerDuty } from '../__testUtils__/seedPagerDuty';
import { component, startPagerDutyBackend } from '../__testUtils__/startPagerDutyBackend';

describe('catalog.providers.pagerduty', () => {
  it('reports annotated service ids the account does not have as catalog errors on those entities, and clears them once fixed', async () => {
    const fake = await new FakePagerDuty().start();
    const seed = seedPagerDuty(fake);
    const backend = await startPagerDutyBackend(fake, {
      entities: [
        component('payments', { 'pagerduty.com/service-id': seed.payments.id }),
        component('ghost', { 'pagerduty.com/service-id': 'PGHOST1' }),
        component('elsewhere', { 'pagerduty.com/service-id': 'PGHOST2', 'pagerduty.com/account': 'eu' }),
        component('plain'),
        component('search', { 'pagerduty.com/integration-key': INTEGRATION_KEY }),
        component('lost-key', { 'pagerduty.com/integration-key': 'deadbeef'.repeat(4) }),
      ],
      config: { catalog: { providers: { pagerduty: { default: { account: 'default', schedule: { frequency: 'PT1H' } } } } } },
      manualSchedulers: true,
    });
    try {
      await eventually(async () => expect((await request(backend.server).get('/api/catalog/entities').expect(200)).body).toHaveLength(6));
      await backend.schedulers.triggerTask('pagerduty-provider:default:refresh');
      const errors = await eventually(async () => {
        const res = await request(backend.server).get('/api/catalog/entities/errors').expect(200);
        const mine = JSON.stringify(res.body);
        expect(mine).toContain('PGHOST1');
        return mine;
      });
      expect(errors).toContain("pagerduty.com/service-id 'PGHOST1' names no service of PagerDuty account 'default'");
      expect(errors).toContain('component:default/ghost');
      // An integration key no service has is reported too, showing only the start of the key.
      expect(errors).toContain("pagerduty.com/integration-key 'deadbe…' matches no integration of a service of PagerDuty account 'default'");
      expect(errors).toContain('component:default/lost-key');
      expect(errors).not.toContain('deadbeefdeadbeef');
      expect(errors).not.toContain('component:default/search');
      // Another account's annotation is that account's provider's business.
      expect(errors).not.toContain('PGHOST2');
      expect(fake.requestsTo('/services').length).toBeGreaterThan(0);
      // The service appears in PagerDuty: the next run clears the error.
      fake.services.set('PGHOST1', { ...seed.payments, id: 'PGHOST1', name: 'ghost' });
      await backend.schedulers.triggerTask('pagerduty-provider:default:refresh');
      await eventually(async () => {
        const res = await request(backend.server).get('/api/catalog/entities/errors').expect(200);
        expect(JSON.stringify(res.body)).not.toContain('PGHOST1');
      });
    } finally {
      await backend.cleanup();
      await fake.stop();
    }
  });

  it('fails startup naming an account that integrations.pagerduty does not configure', async () => {
    const fake = await new FakePagerDuty().start();
    try {
      await expect(startPagerDutyBackend(fake, { config: { catalog: { providers: { pagerduty: { eu: { account: 'eu' } } } } } })).rejects.toThrow(
        /No PagerDuty account 'eu' in integrations.pagerduty \(configured: 'default'\)/,
      );
    } finally {
      await fake.stop();
    }
  });
});
