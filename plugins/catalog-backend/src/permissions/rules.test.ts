import { applyConditions } from '@portico/backend-plugin-api';
import type { Entity } from '@portico/catalog-model';
import { catalogConditions, catalogPermissionRules, toEntityPermissionQuery } from './rules';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments', labels: { tier: 'Gold' }, annotations: { 'github.com/project-slug': 'acme/payments' }, tags: ['pci', 'java'] },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/team-a' }],
};

const applies = (condition: ReturnType<(typeof catalogConditions)[keyof typeof catalogConditions]>) =>
  applyConditions(catalogPermissionRules, condition, entity);

describe('the catalog-entity permission rules', () => {
  it('apply to one entity, case-insensitively', () => {
    expect(applies(catalogConditions.isEntityOwner({ claims: ['user:default/ada', 'Group:default/Team-A'] }))).toBe(true);
    expect(applies(catalogConditions.isEntityOwner({ claims: ['group:default/team-b'] }))).toBe(false);
    expect(applies(catalogConditions.isEntityOwner({ claims: [] }))).toBe(false);
    expect(applies(catalogConditions.isEntityKind({ kinds: ['API', 'component'] }))).toBe(true);
    expect(applies(catalogConditions.isEntityKind({ kinds: ['Group'] }))).toBe(false);
    expect(applies(catalogConditions.hasAnnotation({ annotation: 'github.com/project-slug' }))).toBe(true);
    expect(applies(catalogConditions.hasAnnotation({ annotation: 'github.com/project-slug', value: 'acme/other' }))).toBe(false);
    expect(applies(catalogConditions.hasLabel({ label: 'tier', value: 'gold' }))).toBe(true);
    expect(applies(catalogConditions.hasLabel({ label: 'region' }))).toBe(false);
    expect(applies(catalogConditions.hasMetadata({ key: 'tags', value: 'pci' }))).toBe(true);
    expect(applies(catalogConditions.hasSpec({ key: 'lifecycle', value: 'experimental' }))).toBe(false);
    expect(applies(catalogConditions.hasSpec({ key: 'type' }))).toBe(true);
  });

  it('give the same conditions in the catalog filter language, keys and values lower-cased', () => {
    expect(
      toEntityPermissionQuery({
        anyOf: [
          catalogConditions.isEntityOwner({ claims: ['Group:default/Team-A'] }),
          { not: catalogConditions.hasAnnotation({ annotation: 'Portico.dev/Hidden' }) },
        ],
      }),
    ).toEqual({
      anyOf: [{ key: 'relations.ownedby', values: ['group:default/team-a'] }, { not: { key: 'metadata.annotations.portico.dev/hidden' } }],
    });
  });

  it('refuse a condition with params that do not fit the rule, or an unknown rule', () => {
    expect(() => toEntityPermissionQuery({ resourceType: 'catalog-entity', rule: 'IS_ENTITY_OWNER', params: { claims: 'group:default/a' } })).toThrow(
      /Invalid params for permission rule 'IS_ENTITY_OWNER'/,
    );
    expect(() => toEntityPermissionQuery({ resourceType: 'catalog-entity', rule: 'IS_EVERYTHING' })).toThrow(/Unknown permission rule 'IS_EVERYTHING'/);
  });
});
