import type { Entity } from '@portico/catalog-model';
import { matchesEntityFilter, validateEntityFilter } from './entityFilter';

const service: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments',
    tags: ['java', 'Critical'],
    annotations: { 'backstage.io/source-location': 'url:https://x' },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/team-a' }],
};

describe('matchesEntityFilter', () => {
  it('matches kind and spec fields case-insensitively', () => {
    expect(matchesEntityFilter(service, { kind: 'component', 'spec.type': 'SERVICE' })).toBe(true);
    expect(matchesEntityFilter(service, { kind: 'component', 'spec.type': 'website' })).toBe(false);
  });

  it('treats a list as any of', () => {
    expect(matchesEntityFilter(service, { 'spec.lifecycle': ['experimental', 'production'] })).toBe(true);
    expect(matchesEntityFilter(service, { 'spec.lifecycle': ['experimental', 'deprecated'] })).toBe(false);
  });

  it('matches an element of an array field such as tags', () => {
    expect(matchesEntityFilter(service, { 'metadata.tags': 'critical' })).toBe(true);
    expect(matchesEntityFilter(service, { 'metadata.tags': 'python' })).toBe(false);
  });

  it('finds annotation keys that contain dots', () => {
    expect(matchesEntityFilter(service, { 'metadata.annotations.backstage.io/source-location': 'url:https://x' })).toBe(true);
  });

  it('matches relations by type', () => {
    expect(matchesEntityFilter(service, { 'relations.ownedBy': 'group:default/team-a' })).toBe(true);
    expect(matchesEntityFilter(service, { 'relations.ownedby': 'group:default/team-b' })).toBe(false);
  });

  it('fails when a key is absent', () => {
    expect(matchesEntityFilter(service, { 'spec.system': 'x' })).toBe(false);
  });

  it('matches everything without a filter and any of a list of filters', () => {
    expect(matchesEntityFilter(service, undefined)).toBe(true);
    expect(matchesEntityFilter(service, [{ kind: 'api' }, { kind: 'component' }])).toBe(true);
    expect(matchesEntityFilter(service, [{ kind: 'api' }, { kind: 'system' }])).toBe(false);
  });
});

describe('validateEntityFilter', () => {
  it('accepts a well-formed filter', () => {
    expect(validateEntityFilter({ kind: 'component', 'spec.type': ['service', 'website'] })).toEqual([]);
  });

  it('names keys that can never match', () => {
    expect(validateEntityFilter({ kind: [] })).toEqual(['filter.kind is an empty list and can never match']);
    expect(validateEntityFilter({ kind: { a: 1 } })).toEqual(['filter.kind must be a string, number, boolean or a list of them']);
    expect(validateEntityFilter('component')).toEqual(['filter must be an object of entity paths to values']);
  });
});
