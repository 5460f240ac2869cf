import type { Entity } from '@portico/catalog-model';

const rel = (type: string, targetRef: string) => ({ type, targetRef });

export const teamA: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'team-a', namespace: 'default', description: 'The payments team' },
  spec: { type: 'team', profile: { displayName: 'Team A', email: 'team-a@example.com' }, children: [] },
  relations: [
    rel('childOf', 'group:default/engineering'),
    rel('hasMember', 'user:default/jane'),
    rel('hasMember', 'user:default/joe'),
    rel('ownerOf', 'component:default/payments'),
    rel('ownerOf', 'api:default/payments-api'),
  ],
};

export const engineering: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'engineering', namespace: 'default' },
  spec: { type: 'department', children: ['team-a'] },
  relations: [rel('parentOf', 'group:default/team-a')],
};

export const jane: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name: 'jane', namespace: 'default' },
  spec: { profile: { displayName: 'Jane Doe', email: 'jane@example.com' }, memberOf: ['team-a'] },
  relations: [rel('memberOf', 'group:default/team-a')],
};

export const payments: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments',
    namespace: 'default',
    title: 'Payments Service',
    description: 'Takes card payments',
    tags: ['java', 'pci'],
    links: [{ url: 'https://dashboards.example.com/payments', title: 'Dashboard' }],
  },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: 'team-a',
    system: 'checkout',
    providesApis: ['payments-api'],
    consumesApis: ['users-api'],
    dependsOn: ['resource:payments-db'],
  },
  relations: [
    rel('ownedBy', 'group:default/team-a'),
    rel('partOf', 'system:default/checkout'),
    rel('providesApi', 'api:default/payments-api'),
    rel('consumesApi', 'api:default/users-api'),
    rel('dependsOn', 'resource:default/payments-db'),
  ],
};

export const paymentsApi: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'API',
  metadata: { name: 'payments-api', namespace: 'default', description: 'Charge cards' },
  spec: {
    type: 'openapi',
    lifecycle: 'production',
    owner: 'team-a',
    definition: 'openapi: 3.0.0\ninfo:\n  title: Payments\n  version: 1.0.0\npaths: {}\n',
  },
  relations: [rel('ownedBy', 'group:default/team-a'), rel('apiProvidedBy', 'component:default/payments')],
};

export const usersApi: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'API',
  metadata: { name: 'users-api', namespace: 'default', description: 'User events' },
  spec: {
    type: 'asyncapi',
    lifecycle: 'experimental',
    owner: 'team-b',
    definition: 'asyncapi: 2.6.0\ninfo:\n  title: Users\n  version: 1.0.0\nchannels: {}\n',
  },
  relations: [rel('ownedBy', 'group:default/team-b'), rel('apiConsumedBy', 'component:default/payments')],
};

export const website: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'website', namespace: 'default', description: 'The public site', tags: ['react'] },
  spec: { type: 'website', lifecycle: 'experimental', owner: 'team-b' },
  relations: [rel('ownedBy', 'group:default/team-b')],
};

/** A small organisation: two teams, a person, two components and two APIs. */
export function exampleOrg(): Entity[] {
  return JSON.parse(JSON.stringify([teamA, engineering, jane, payments, paymentsApi, usersApi, website]));
}

/** `n` components spread over a few owners, for pagination and virtualisation tests. */
export function manyComponents(n: number): Entity[] {
  return Array.from({ length: n }, (_, i) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: `component-${String(i).padStart(5, '0')}`, namespace: 'default' },
    spec: { type: 'service', lifecycle: 'production', owner: `team-${i % 3}` },
    relations: [{ type: 'ownedBy', targetRef: `group:default/team-${i % 3}` }],
  }));
}
