import type { AuthService } from '@portico/backend-plugin-api';
import type { Entity } from '@portico/catalog-model';
import { stringifyEntityRef } from '@portico/catalog-model';
import type { CatalogApi } from '@portico/plugin-catalog-common';
import type { Knex } from '../rows';
import { migrations } from '../../database/migrations';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

function entity(kind: string, name: string, relations: Array<[string, string]>, title?: string): Entity {
  return {
    apiVersion: 'portico.dev/v1',
    kind,
    metadata: { name, namespace: 'default', ...(title ? { title } : {}) },
    spec: {},
    relations: relations.map(([type, targetRef]) => ({ type, targetRef })),
  } as Entity;
}

/**
 * A small organisation: Platform (owns web-shop) is the parent of Payments (owns api and billing); the Shop system
 * (domain Commerce) has web-shop and api; billing is in the Billing system. The token `limited` cannot read billing.
 */
export const ENTITIES: Entity[] = [
  entity('Group', 'platform', [['parentOf', 'group:default/payments'], ['ownerOf', 'component:default/web-shop']], 'Platform'),
  entity('Group', 'payments', [['childOf', 'group:default/platform'], ['ownerOf', 'component:default/api'], ['ownerOf', 'component:default/billing'], ['ownerOf', 'user:default/jo']], 'Payments'),
  entity('Group', 'idle', []),
  entity('Component', 'web-shop', [['ownedBy', 'group:default/platform'], ['partOf', 'system:default/shop']], 'Web shop'),
  entity('Component', 'api', [['ownedBy', 'group:default/payments'], ['partOf', 'system:default/shop']]),
  entity('Component', 'billing', [['ownedBy', 'group:default/payments'], ['partOf', 'system:default/billing']]),
  entity('System', 'shop', [['hasPart', 'component:default/web-shop'], ['hasPart', 'component:default/api'], ['partOf', 'domain:default/commerce']]),
  entity('System', 'billing', [['hasPart', 'component:default/billing']]),
  entity('Domain', 'commerce', [['hasPart', 'system:default/shop']]),
];

/** The catalog calls the resolver makes, over ENTITIES; records the tokens it was called with. */
export function fakeCatalog(entities = ENTITIES): CatalogApi & { tokens: Array<string | undefined> } {
  const tokens: Array<string | undefined> = [];
  const visible = (token?: string) => entities.filter(e => !(token === 'limited' && e.metadata.name === 'billing' && e.kind === 'Component'));
  const find = (ref: string, token?: string) => visible(token).find(e => stringifyEntityRef(e) === ref.toLowerCase());
  const catalog = {
    tokens,
    async getEntityByRef(ref: string, options?: { token?: string }) {
      tokens.push(options?.token);
      return find(ref, options?.token);
    },
    async getEntitiesByRefs(request: { entityRefs: string[] }, options?: { token?: string }) {
      tokens.push(options?.token);
      return { items: request.entityRefs.map(ref => find(ref, options?.token) ?? null) };
    },
    async getEntities(request: { filter?: Record<string, unknown> }, options?: { token?: string }) {
      tokens.push(options?.token);
      const filter = request.filter ?? {};
      const items = visible(options?.token).filter(e => {
        if (typeof filter.kind === 'string' && e.kind.toLowerCase() !== filter.kind) return false;
        if ('relations.ownedBy' in filter && !(e.relations ?? []).some(r => r.type === 'ownedBy')) return false;
        return true;
      });
      return { items };
    },
  };
  return catalog as unknown as CatalogApi & { tokens: Array<string | undefined> };
}

export const fakeAuth = {
  async getOwnServiceCredentials() {
    return { $$type: '@portico/BackstageCredentials', principal: { type: 'service', subject: 'plugin:insights' } };
  },
  async getPluginRequestToken() {
    return { token: 'plugin-token' };
  },
} as unknown as AuthService;

export async function migrate(knex: Knex) {
  for (const m of [...migrations].sort((a, b) => a.name.localeCompare(b.name))) await m.up(knex);
}

export async function clear(knex: Knex) {
  for (const table of ['insights_first_deployments', 'insights_pr_shipments', 'insights_deploy_outcomes', 'insights_pending_updates', 'insights_state', 'deployments', 'pull_requests', 'incidents']) await knex(table).delete();
}

let seq = 0;
const now = () => Date.now();

export function deploymentRow(entity: string, finishedAt: number, extra: Record<string, unknown> = {}) {
  return { source: 'ci', id: `d${++seq}`, entity_ref: `component:default/${entity}`, environment: 'production', status: 'succeeded', started_at: finishedAt - 60_000, finished_at: finishedAt, hotfix: false, received_at: now(), ...extra };
}
export function incidentRow(entity: string, openedAt: number, resolvedAt: number | null, extra: Record<string, unknown> = {}) {
  return { source: 'pd', id: `INC-${++seq}`, entity_ref: `component:default/${entity}`, opened_at: openedAt, resolved_at: resolvedAt, severity: 'high', received_at: now(), ...extra };
}
export function pullRequestRow(entity: string, createdAt: number, mergedAt: number | null, extra: Record<string, unknown> = {}) {
  const n = ++seq;
  return { source: 'ci', id: `pr${n}`, entity_ref: `component:default/${entity}`, number: n, created_at: createdAt, merged_at: mergedAt, received_at: now(), ...extra };
}
