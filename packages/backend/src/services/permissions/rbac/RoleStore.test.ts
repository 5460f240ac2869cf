import { describeEachDatabase } from '@portico/test-utils';
import { roleMigrations, RoleStore } from './RoleStore';

describeEachDatabase('RoleStore', db => {
  let store: RoleStore;
  beforeAll(async () => {
    for (const migration of roleMigrations) await migration.up(db.knex);
    store = new RoleStore(db.knex);
  });

  it('creates, replaces, lists and deletes roles, keeping who changed them', async () => {
    const created = await store.put(
      { name: 'deployers', members: ['group:default/ops'], permissions: ['github.*'], conditions: { rule: 'IS_ENTITY_OWNER' } },
      'user:default/admin',
      new Date('2026-12-06T07:00:00.000Z'),
    );
    expect(created.created).toBe(true);
    const replaced = await store.put({ name: 'deployers', description: 'ship it', members: ['user:*'], permissions: ['github.*'] }, undefined);
    expect(replaced.created).toBe(false);
    await store.put({ name: 'auditors', members: ['group:default/security'], permissions: ['audit.event.read'] }, 'user:default/admin');
    expect(await store.get('deployers')).toEqual({
      name: 'deployers',
      description: 'ship it',
      members: ['user:*'],
      permissions: ['github.*'],
      updatedAt: replaced.role.updatedAt,
    });
    expect((await store.list()).map(r => [r.name, r.updatedBy])).toEqual([
      ['auditors', 'user:default/admin'],
      ['deployers', undefined],
    ]);
    expect(await store.delete('deployers')).toBe(true);
    expect(await store.delete('deployers')).toBe(false);
    expect(await store.get('deployers')).toBeUndefined();
  });
});
