import type { Entity } from '@portico/catalog-model';
import { entityMatchesFilter } from './EntityFilter';

const service: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'shop', annotations: { 'github.com/project-slug': 'acme/checkout' } },
  spec: { type: 'service', owner: 'team-a' },
};

describe('entityMatchesFilter', () => {
  it('matches kind and spec.type case-insensitively, any of a list', () => {
    expect(entityMatchesFilter(service, { kind: 'component' })).toBe(true);
    expect(entityMatchesFilter(service, { kind: ['API', 'Component'], type: 'SERVICE' })).toBe(true);
    expect(entityMatchesFilter(service, { kind: 'Component', type: 'website' })).toBe(false);
    expect(entityMatchesFilter(service, { kind: 'Group' })).toBe(false);
  });

  it('matches when an annotation is present', () => {
    expect(entityMatchesFilter(service, { annotation: 'github.com/project-slug' })).toBe(true);
    expect(entityMatchesFilter(service, { annotation: 'pagerduty.com/service-id' })).toBe(false);
  });

  it('accepts a predicate and no filter', () => {
    expect(entityMatchesFilter(service, e => e.metadata.namespace === 'shop')).toBe(true);
    expect(entityMatchesFilter(service, undefined)).toBe(true);
  });
});
