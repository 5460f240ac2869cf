import type { Entity } from '@portico/catalog-model';

export function component(name: string, spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, ...metadata },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a', ...spec },
  };
}

export function group(name: string, spec: Record<string, unknown> = {}): Entity {
  return { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name }, spec: { type: 'team', children: [], ...spec } };
}
