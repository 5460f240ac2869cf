import type { Entity } from '../entity/Entity';
import { RELATION_PAIRS, getReverseRelation } from '../relations/relations';
import { validateEntity, getEmittedRelations, findKind } from '../validation/validateEntity';
import { builtinKinds, componentKind, groupKind } from './builtinKinds';
import type { CatalogKindDefinition } from './CatalogKindDefinition';

function entity(kind: string, spec: Record<string, unknown>, extra: Partial<Entity> = {}): Entity {
  const apiVersion = kind === 'Template' ? 'scaffolder.backstage.io/v1beta3' : 'backstage.io/v1alpha1';
  return { apiVersion, kind, metadata: { name: 'x', namespace: 'shop' }, spec, ...extra };
}

function relationsOf(e: Entity) {
  return getEmittedRelations(e, findKind(e.kind)!);
}

describe('built-in kinds', () => {
  it('has the nine Backstage kinds', () => {
    expect(builtinKinds.map(k => k.kind)).toEqual(['Component', 'API', 'Resource', 'System', 'Domain', 'Group', 'User', 'Location', 'Template']);
  });

  it('accepts a component with every spec field and extra unknown fields', () => {
    const e = entity('Component', {
      type: 'service',
      lifecycle: 'production',
      owner: 'team-a',
      system: 'shop',
      subcomponentOf: 'platform',
      providesApis: ['orders-api'],
      consumesApis: ['api:payments/pay-api'],
      dependsOn: ['resource:orders-db', 'auth'],
      dependencyOf: ['web'],
      customThing: 1,
    });
    expect(validateEntity(e)).toEqual({ ok: true, entity: e });
    expect(relationsOf(e)).toEqual([
      { type: 'ownedBy', targetRef: 'group:shop/team-a' },
      { type: 'partOf', targetRef: 'system:shop/shop' },
      { type: 'partOf', targetRef: 'component:shop/platform' },
      { type: 'providesApi', targetRef: 'api:shop/orders-api' },
      { type: 'consumesApi', targetRef: 'api:payments/pay-api' },
      { type: 'dependsOn', targetRef: 'resource:shop/orders-db' },
      { type: 'dependsOn', targetRef: 'component:shop/auth' },
      { type: 'dependencyOf', targetRef: 'component:shop/web' },
    ]);
  });

  it('accepts the v1beta1 apiVersion', () => {
    expect(validateEntity({ ...entity('System', { owner: 'a' }), apiVersion: 'backstage.io/v1beta1' }).ok).toBe(true);
  });

  it('reports missing required spec fields with their path', () => {
    const result = validateEntity(entity('Component', { type: 'service' }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map(e => e.message).sort()).toEqual(['spec.lifecycle: is required', 'spec.owner: is required']);
  });

  it('reports a missing spec as its required fields', () => {
    const result = validateEntity({ apiVersion: 'backstage.io/v1alpha1', kind: 'Resource', metadata: { name: 'db' } });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map(e => e.path).sort()).toEqual(['spec.owner', 'spec.type']);
  });

  it('rejects an entity whose owner is not a valid ref', () => {
    const result = validateEntity(entity('Component', { type: 'service', lifecycle: 'production', owner: 'group:' }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]!.message).toMatch(/^spec\.owner: Entity reference "group:" was not on the form/);
    const bad = validateEntity(entity('System', { owner: 'group:default/bad name' }));
    expect(!bad.ok && bad.errors[0]!.message).toBe('spec.owner: Entity reference "group:default/bad name" has an invalid name "bad name"');
  });

  it('reports envelope and spec problems together when the kind is known', () => {
    const result = validateEntity({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'a b' }, spec: { type: 'service' } });
    expect(!result.ok && result.errors.map(e => e.path).sort()).toEqual(['metadata.name', 'spec.lifecycle', 'spec.owner']);
  });

  it('points at the bad element of a ref list', () => {
    const result = validateEntity(entity('Component', { type: 'a', lifecycle: 'b', owner: 'c', providesApis: ['ok', 'ns/'] }));
    expect(!result.ok && result.errors[0]!.path).toBe('spec.providesApis[1]');
  });

  it('reports unknown kinds and unsupported apiVersions', () => {
    const unknown = validateEntity({ apiVersion: 'backstage.io/v1alpha1', kind: 'Widget', metadata: { name: 'w' } });
    expect(!unknown.ok && unknown.errors[0]!.message).toMatch(/^kind: unknown kind "Widget"; known kinds are Component, API/);
    const version = validateEntity({ ...entity('Component', {}), apiVersion: 'backstage.io/v2' });
    expect(!version.ok && version.errors[0]!.path).toBe('apiVersion');
  });

  it('matches kinds case-insensitively', () => {
    expect(validateEntity(entity('component', { type: 'a', lifecycle: 'b', owner: 'c' })).ok).toBe(true);
  });

  it('emits relations for APIs, resources, systems and domains', () => {
    expect(relationsOf(entity('API', { type: 'openapi', lifecycle: 'production', owner: 'user:jane', system: 'shop', definition: 'x' }))).toEqual([
      { type: 'ownedBy', targetRef: 'user:shop/jane' },
      { type: 'partOf', targetRef: 'system:shop/shop' },
    ]);
    expect(relationsOf(entity('Resource', { type: 'database', owner: 'a', system: 's', dependsOn: ['resource:b'], dependencyOf: ['c'] }))).toEqual([
      { type: 'ownedBy', targetRef: 'group:shop/a' },
      { type: 'partOf', targetRef: 'system:shop/s' },
      { type: 'dependsOn', targetRef: 'resource:shop/b' },
      { type: 'dependencyOf', targetRef: 'component:shop/c' },
    ]);
    expect(relationsOf(entity('System', { owner: 'a', domain: 'commerce' }))).toEqual([
      { type: 'ownedBy', targetRef: 'group:shop/a' },
      { type: 'partOf', targetRef: 'domain:shop/commerce' },
    ]);
    expect(relationsOf(entity('Domain', { owner: 'a', subdomainOf: 'default/business' }))).toEqual([
      { type: 'ownedBy', targetRef: 'group:shop/a' },
      { type: 'partOf', targetRef: 'domain:default/business' },
    ]);
  });

  it('emits group and user relations', () => {
    const group = entity('Group', { type: 'team', parent: 'eng', children: ['sub'], members: ['jane', 'user:default/joe'] });
    expect(validateEntity(group).ok).toBe(true);
    expect(relationsOf(group)).toEqual([
      { type: 'childOf', targetRef: 'group:shop/eng' },
      { type: 'parentOf', targetRef: 'group:shop/sub' },
      { type: 'hasMember', targetRef: 'user:shop/jane' },
      { type: 'hasMember', targetRef: 'user:default/joe' },
    ]);
    const user = entity('User', { profile: { displayName: 'Jane', email: 'jane@acme.com' }, memberOf: ['team-a'] });
    expect(validateEntity(user).ok).toBe(true);
    expect(relationsOf(user)).toEqual([{ type: 'memberOf', targetRef: 'group:shop/team-a' }]);
    const noChildren = validateEntity(entity('Group', { type: 'team' }));
    expect(!noChildren.ok && noChildren.errors[0]!.message).toBe('spec.children: is required');
  });

  it('validates locations and templates', () => {
    expect(validateEntity(entity('Location', { targets: ['./a.yaml', './b.yaml'] })).ok).toBe(true);
    const badPresence = validateEntity(entity('Location', { target: './a.yaml', presence: 'maybe' }));
    expect(!badPresence.ok && badPresence.errors[0]!.path).toBe('spec.presence');
    const template = entity('Template', {
      type: 'service',
      owner: 'platform',
      parameters: [{ title: 'Name', properties: { name: { type: 'string' } } }],
      steps: [{ id: 'fetch', action: 'fetch:template', input: { url: './skeleton' } }],
      output: { links: [] },
    });
    expect(validateEntity(template).ok).toBe(true);
    expect(relationsOf(template)).toEqual([{ type: 'ownedBy', targetRef: 'group:shop/platform' }]);
    const noAction = validateEntity(entity('Template', { type: 'service', steps: [{ id: 'x' }] }));
    expect(!noAction.ok && noAction.errors[0]!.path).toBe('spec.steps[0].action');
    const wrongVersion = validateEntity({ ...template, apiVersion: 'backstage.io/v1alpha1' });
    expect(!wrongVersion.ok && wrongVersion.errors[0]!.path).toBe('apiVersion');
  });

  it('validates custom kinds and their emitted refs', () => {
    const custom: CatalogKindDefinition = {
      apiVersions: ['acme.com/v1'],
      kind: 'Widget',
      specSchema: componentKind.specSchema.optional(),
      relations: e => [{ type: 'ownedBy', targetRef: String(e.spec?.['maker']) }],
    };
    const result = validateEntity({ apiVersion: 'acme.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { type: 'a', lifecycle: 'b', owner: 'c', maker: 'x' } }, { kinds: [custom, groupKind] });
    expect(!result.ok && result.errors[0]!.message).toMatch(/^relations: ownedBy: Entity reference "x" had missing or empty kind/);
  });

  it('dedupes emitted relations', () => {
    const e = entity('Component', { type: 'a', lifecycle: 'b', owner: 'c', dependsOn: ['d', 'component:shop/D'] });
    expect(relationsOf(e).filter(r => r.type === 'dependsOn')).toEqual([{ type: 'dependsOn', targetRef: 'component:shop/d' }]);
  });
});

describe('relation pairs', () => {
  it('pairs every relation with its reverse', () => {
    expect(RELATION_PAIRS).toHaveLength(7);
    expect(getReverseRelation('ownedBy')).toBe('ownerOf');
    expect(getReverseRelation('hasMember')).toBe('memberOf');
    expect(getReverseRelation('nope')).toBeUndefined();
  });
});
