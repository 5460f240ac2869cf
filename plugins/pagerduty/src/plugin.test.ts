import type { Entity } from '@portico/catalog-model';
import { entityMatchesFilter } from '@portico/plugin-catalog-react';
import { pagerdutyPlugin } from './plugin';

describe('PagerDuty plugin extensions', () => {
  it('shows the card and the tab only for entities with a service id or an integration key annotation', () => {
    const filters = pagerdutyPlugin.extensions
      .filter(e => e.kind === 'entity-card' || e.kind === 'entity-tab')
      .map(e => (e.data as { filter?: Parameters<typeof entityMatchesFilter>[1] }).filter);
    expect(filters).toHaveLength(2);
    const withAnnotations = (annotations?: Record<string, string>): Entity => ({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'x', annotations }, spec: {} });
    for (const filter of filters) {
      expect(entityMatchesFilter(withAnnotations({ 'pagerduty.com/service-id': 'PSVC1' }), filter)).toBe(true);
      expect(entityMatchesFilter(withAnnotations({ 'pagerduty.com/integration-key': 'a1b2' }), filter)).toBe(true);
      expect(entityMatchesFilter(withAnnotations({ 'pagerduty.com/account': 'eu' }), filter)).toBe(false);
      expect(entityMatchesFilter(withAnnotations(), filter)).toBe(false);
    }
  });

  it('has the services page at /pagerduty', () => {
    const page = pagerdutyPlugin.extensions.find(e => e.kind === 'page');
    expect((page?.data as { path: string }).path).toBe('/pagerduty');
  });
});
