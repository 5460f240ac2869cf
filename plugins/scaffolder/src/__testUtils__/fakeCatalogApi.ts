import type { Entity } from '@portico/catalog-model';
import type { CatalogApi, GetEntitiesRequest } from '@portico/plugin-catalog-common';

/**
 * The part of CatalogApi the scaffolder uses (getEntities filtered by kind), over a fixed list.
 * `calls` records each request for assertions.
 */
export function fakeCatalogApi(entities: Entity[]): CatalogApi & { calls: GetEntitiesRequest[] } {
  const calls: GetEntitiesRequest[] = [];
  const api = {
    calls,
    async getEntities(request: GetEntitiesRequest = {}) {
      calls.push(request);
      const filters = request.filter === undefined ? [] : Array.isArray(request.filter) ? request.filter : [request.filter];
      const kinds = filters.flatMap(f => {
        const kind = (f as Record<string, unknown>).kind;
        return kind === undefined ? [] : (Array.isArray(kind) ? kind : [kind]).map(k => String(k).toLocaleLowerCase('en-US'));
      });
      const items = kinds.length ? entities.filter(e => kinds.includes(e.kind.toLocaleLowerCase('en-US'))) : entities;
      return { items };
    },
  };
  return api as unknown as CatalogApi & { calls: GetEntitiesRequest[] };
}

export function template(name: string, extra: { title?: string; description?: string; tags?: string[]; owner?: string } = {}): Entity {
  return {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name, namespace: 'default', title: extra.title, description: extra.description, tags: extra.tags },
    spec: { type: 'service', owner: extra.owner, steps: [] },
  };
}

export const exampleEntities: Entity[] = [
  template('node-service', {
    title: 'New Node.js service',
    description: 'A TypeScript service with CI',
    tags: ['nodejs', 'recommended'],
    owner: 'group:default/platform',
  }),
  template('db-access', {
    title: 'Request database access',
    description: 'Ask the owners of a database for access',
    tags: ['access'],
    owner: 'group:default/dba',
  }),
  { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'platform', namespace: 'default', title: 'Platform team' }, spec: { type: 'team' } },
  { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'dba', namespace: 'default' }, spec: { type: 'team' } },
  { apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name: 'ada', namespace: 'default' }, spec: {} },
  { apiVersion: 'backstage.io/v1alpha1', kind: 'System', metadata: { name: 'payments', namespace: 'default' }, spec: { owner: 'platform' } },
];
