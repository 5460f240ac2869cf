import { builtinKinds } from '@portico/catalog-model';
import { buildSearchRows, findTooDeep, processEntity } from './EntityProcessor';
import { KindRegistry } from './KindRegistry';

const kinds = new KindRegistry();
for (const k of builtinKinds) kinds.add(k);

describe('processEntity', () => {
  it('resolves refs with kind defaults, derives both directions and fills in the namespace', () => {
    const result = processEntity({
      apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'svc', namespace: 'payments' },
      spec: { type: 'service', lifecycle: 'production', owner: 'team-a', providesApis: ['default/cards'] },
    }, kinds);
    if (!result.ok) throw new Error(result.errors.join());
    expect(result.value.entityRef).toBe('component:payments/svc');
    expect(result.value.relations).toEqual([
      { sourceRef: 'component:payments/svc', type: 'ownedBy', targetRef: 'group:payments/team-a' },
      { sourceRef: 'group:payments/team-a', type: 'ownerOf', targetRef: 'component:payments/svc' },
      { sourceRef: 'component:payments/svc', type: 'providesApi', targetRef: 'api:default/cards' },
      { sourceRef: 'api:default/cards', type: 'apiProvidedBy', targetRef: 'component:payments/svc' },
    ]);
    const noNamespace = processEntity({ apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'g' }, spec: { type: 'team', children: [] } }, kinds);
    expect(noNamespace.ok && noNamespace.value.entity.metadata.namespace).toBe('default');
  });

  it('names the field of every problem', () => {
    const bad = processEntity({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'svc' }, spec: { type: 'service', owner: 'x' } }, kinds);
    expect(bad).toEqual({ ok: false, entityRef: 'component:default/svc', errors: [expect.stringMatching(/^spec\.lifecycle: /)] });
    expect(processEntity('just a string', kinds)).toMatchObject({ ok: false, errors: [expect.stringMatching(/object/)] });
  });

  it('refuses values nested deeper than the limit before validating', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(findTooDeep({ spec: { x: deep } }, 32)).toMatch(/^spec\.x\[0\]/);
    expect(processEntity({ apiVersion: 'v1', kind: 'Component', metadata: { name: 'x' }, spec: { x: deep } }, kinds))
      .toMatchObject({ ok: false, errors: [expect.stringMatching(/nested deeper than 32 levels$/)] });
  });
});

describe('buildSearchRows', () => {
  it('flattens leaves with lower-cased keys and values, arrays under one key, long values as null', () => {
    const rows = buildSearchRows({
      apiVersion: 'backstage.io/v1alpha1', kind: 'Component',
      metadata: { name: 'Svc', namespace: 'Ops', title: 'The Service', tags: ['java', 'java', 'go'], annotations: { 'Acme.com/Tier': '1' } },
      spec: { definition: 'x'.repeat(500), links: [{ url: 'https://a' }] },
      relations: [{ type: 'ownedBy', targetRef: 'group:default/a' }],
    });
    // kind, name and namespace are the entity row's own columns; the authored spelling only where it differs
    expect(rows).toEqual([
      { key: 'apiversion', value: 'backstage.io/v1alpha1', originalValue: null },
      { key: 'metadata.title', value: 'the service', originalValue: 'The Service' },
      { key: 'metadata.tags', value: 'java', originalValue: null },
      { key: 'metadata.tags', value: 'go', originalValue: null },
      { key: 'metadata.annotations.acme.com/tier', value: '1', originalValue: null },
      { key: 'spec.definition', value: null, originalValue: null },
      { key: 'spec.links.url', value: 'https://a', originalValue: null },
    ]);
  });

  it('builds the same keys for every entity, past the keys it remembers', () => {
    const keysOf = (annotation: string, label: string) => buildSearchRows({
      apiVersion: 'backstage.io/v1alpha1', kind: 'Component',
      metadata: { name: 'svc', annotations: { [annotation]: 'a' }, labels: { [label]: 'b' } },
    }).map(r => r.key);
    expect(keysOf('Acme.com/Tier', 'Team')).toEqual(['apiversion', 'metadata.annotations.acme.com/tier', 'metadata.labels.team']);
    // more distinct keys than are remembered, then the first ones again: each built as it was
    for (let i = 0; i < 25_000; i++) {
      expect(keysOf(`Key-${i}`, 'TEAM')).toEqual(['apiversion', `metadata.annotations.key-${i}`, 'metadata.labels.team']);
    }
    expect(keysOf('Acme.com/Tier', 'team')).toEqual(['apiversion', 'metadata.annotations.acme.com/tier', 'metadata.labels.team']);
    expect(keysOf('x'.repeat(300), 'Team')).toEqual(['apiversion', 'metadata.labels.team']);
  });
});
