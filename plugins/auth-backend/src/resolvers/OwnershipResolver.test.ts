import type { Entity } from '@portico/catalog-model';
import { OwnershipResolver } from './OwnershipResolver';
import type { UserCatalog } from './UserCatalog';

const user = (memberOf: string[]): Entity => ({ apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name: 'jane' }, spec: { memberOf } });
const group = (name: string, parent?: string): Entity => ({ apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name }, spec: { type: 'team', ...(parent ? { parent } : {}) } });

/** A catalog whose entities a test changes, as an ingestion would. */
function catalog(entities: Map<string, Entity>): UserCatalog {
  return {
    findEntities: async () => [...entities.values()],
    getEntitiesByRefs: async refs => refs.map(ref => entities.get(ref)),
  };
}

describe('OwnershipResolver', () => {
  it('keeps refs for its TTL, and forgets a user when the user or any group changes', async () => {
    const entities = new Map<string, Entity>([
      ['user:default/jane', user(['team-a'])],
      ['group:default/team-a', group('team-a')],
      ['group:default/team-b', group('team-b')],
    ]);
    const resolver = new OwnershipResolver(catalog(entities), 60_000);
    expect(await resolver.ownershipRefs('user:default/jane')).toEqual(['user:default/jane', 'group:default/team-a']);

    entities.set('user:default/jane', user(['team-b']));
    // cached: nobody said the user changed
    expect(await resolver.ownershipRefs('user:default/jane')).toEqual(['user:default/jane', 'group:default/team-a']);
    resolver.forget(['component:default/unrelated', 'user:default/someone-else']);
    expect(await resolver.ownershipRefs('user:default/jane')).toEqual(['user:default/jane', 'group:default/team-a']);
    resolver.forget(['User:default/Jane']);
    expect(await resolver.ownershipRefs('user:default/jane')).toEqual(['user:default/jane', 'group:default/team-b']);

    // a group that gains a parent changes the ownership of its members, whose own entities did not change
    entities.set('group:default/team-b', group('team-b', 'group:default/engineering'));
    entities.set('group:default/engineering', group('engineering'));
    resolver.forget(['group:default/team-b']);
    expect(await resolver.ownershipRefs('user:default/jane')).toEqual(['user:default/jane', 'group:default/team-b', 'group:default/engineering']);
  });
});
