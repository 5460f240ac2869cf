import type { Entity } from '@portico/catalog-model';
import { CATALOG_FILTER_EXISTS } from '@portico/plugin-catalog-common';
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
    expect(entityMatchesFilter(service, { kind: ['API', 'Component'], 'spec.type': 'SERVICE' })).toBe(true);
    expect(entityMatchesFilter(service, { kind: 'Component', 'spec.type': 'website' })).toBe(false);
    expect(entityMatchesFilter(service, { kind: 'Group' })).toBe(false);
  });

  it('matches when an annotation is present', () => {
    expect(entityMatchesFilter(service, { 'metadata.annotations.github.com/project-slug': CATALOG_FILTER_EXISTS })).toBe(true);
    expect(entityMatchesFilter(service, { 'metadata.annotations.pagerduty.com/service-id': CATALOG_FILTER_EXISTS })).toBe(false);
  });

  it('accepts a predicate and no filter', () => {
    expect(entityMatchesFilter(service, e => e.metadata.namespace === 'shop')).toBe(true);
    expect(entityMatchesFilter(service, undefined)).toBe(true);
  });
});
