import { createPermission, type Credentials } from '@portico/backend-plugin-api';
import { compilePermissionPattern } from '../permissionPatterns';
import { normalizeMemberRef, RbacPolicy, type RbacPolicyOptions } from './RbacPolicy';
import type { StoredRole } from './RoleStore';

const entityRead = createPermission({ name: 'catalog.entity.read', resourceType: 'catalog-entity' });
const entityDelete = createPermission({ name: 'catalog.entity.delete', resourceType: 'catalog-entity' });
const entityCreate = createPermission({ name: 'catalog.entity.create' });
const taskCancel = createPermission({ name: 'scaffolder.task.cancel', resourceType: 'scaffolder-task' });
const templateRun = createPermission({ name: 'scaffolder.template.run' });
const roleManage = createPermission({ name: 'permission.role.manage' });

const registered = new Set(['catalog-entity/IS_ENTITY_OWNER', 'catalog-entity/IS_ENTITY_KIND', 'scaffolder-task/IS_TASK_OWNER']);
const rules: RbacPolicyOptions['rules'] = {
  hasRule: (type, rule) => registered.has(`${type}/${rule}`),
  ownerOf: type => (type === 'catalog-entity' ? 'catalog' : type === 'scaffolder-task' ? 'scaffolder' : undefined),
};

const user = (ref: string, groups: string[] = []): Credentials => ({
  $$type: '@portico/Credentials',
  principal: { type: 'user', userEntityRef: ref, ownershipEntityRefs: [ref, ...groups] },
});
const alice = user('user:default/alice', ['group:default/team-a']);

function policy(config: Partial<RbacPolicyOptions['config']> = {}, storedRoles?: () => readonly StoredRole[]) {
  return new RbacPolicy({ config: { admins: [], defaultRoles: true, roles: [], ...config }, rules, storedRoles });
}
const ask = (p: RbacPolicy, permission: Parameters<RbacPolicy['handle']>[0]['permission'], credentials = alice) =>
  p.handle({ permission }, { credentials });

describe('RbacPolicy', () => {
  it('lets every user read the catalog and run templates with the default roles', async () => {
    const p = policy();
    await expect(ask(p, entityRead)).resolves.toEqual({ result: 'ALLOW' });
    await expect(ask(p, templateRun)).resolves.toEqual({ result: 'ALLOW' });
  });

  it('lets owners delete their own entities: a conditional decision carrying their ownership refs', async () => {
    await expect(ask(policy(), entityDelete)).resolves.toEqual({
      result: 'CONDITIONAL',
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        resourceType: 'catalog-entity',
        rule: 'IS_ENTITY_OWNER',
        params: { claims: ['user:default/alice', 'group:default/team-a'] },
      },
    });
    const cancel = await ask(policy(), taskCancel);
    expect(cancel).toMatchObject({ result: 'CONDITIONAL', pluginId: 'scaffolder', conditions: { rule: 'IS_TASK_OWNER' } });
  });

  it('denies a user no role grants, naming the permission', async () => {
    await expect(ask(policy(), entityCreate)).resolves.toEqual({
      result: 'DENY',
      reason: "No role grants 'catalog.entity.create' to user:default/alice",
    });
    await expect(ask(policy({ defaultRoles: false }), entityRead)).resolves.toMatchObject({ result: 'DENY' });
  });

  it('allows admins (a user or one of their groups) everything', async () => {
    const p = policy({ admins: ['group:team-a'] });
    await expect(ask(p, roleManage)).resolves.toEqual({ result: 'ALLOW' });
    await expect(ask(p, entityDelete)).resolves.toEqual({ result: 'ALLOW' });
    await expect(ask(p, roleManage, user('user:default/bob'))).resolves.toMatchObject({ result: 'DENY' });
  });

  it('allows service principals between plugins everything', async () => {
    const service: Credentials = { $$type: '@portico/Credentials', principal: { type: 'service', subject: 'plugin:scorecards' } };
    await expect(ask(policy({ defaultRoles: false }), entityCreate, service)).resolves.toEqual({ result: 'ALLOW' });
  });

  it('grants configured roles to their members by group, with patterns', async () => {
    const p = policy({
      defaultRoles: false,
      roles: [{ name: 'catalog-admins', members: ['Group:Default/Team-A'], permissions: ['catalog.*'] }],
    });
    await expect(ask(p, entityCreate)).resolves.toEqual({ result: 'ALLOW' });
    await expect(ask(p, entityDelete)).resolves.toEqual({ result: 'ALLOW' });
    await expect(ask(p, templateRun)).resolves.toMatchObject({ result: 'DENY' });
    await expect(ask(p, entityCreate, user('user:default/bob'))).resolves.toMatchObject({ result: 'DENY' });
  });

  it('combines the conditions of several roles with anyOf, and an unconditional grant wins', async () => {
    const p = policy({
      defaultRoles: false,
      roles: [
        { name: 'owners', members: ['user:*'], permissions: ['catalog.entity.delete'], conditions: { rule: 'IS_ENTITY_OWNER' } },
        {
          name: 'api-deleters',
          members: ['group:default/team-a'],
          permissions: ['catalog.entity.delete'],
          conditions: { allOf: [{ rule: 'IS_ENTITY_KIND', params: { kinds: ['api'] } }, { not: { rule: 'IS_ENTITY_OWNER' } }] },
        },
      ],
    });
    const decision = await ask(p, entityDelete);
    expect(decision).toMatchObject({
      result: 'CONDITIONAL',
      conditions: {
        anyOf: [
          { rule: 'IS_ENTITY_OWNER' },
          {
            allOf: [
              { rule: 'IS_ENTITY_KIND', params: { kinds: ['api'] } },
              { not: { rule: 'IS_ENTITY_OWNER', params: { claims: ['user:default/alice', 'group:default/team-a'] } } },
            ],
          },
        ],
      },
    });
    const withAll = policy({
      defaultRoles: false,
      roles: [
        { name: 'owners', members: ['user:*'], permissions: ['catalog.entity.delete'], conditions: { rule: 'IS_ENTITY_OWNER' } },
        { name: 'all', members: ['user:alice'], permissions: ['catalog.entity.delete'] },
      ],
    });
    await expect(ask(withAll, entityDelete)).resolves.toEqual({ result: 'ALLOW' });
  });

  it('skips conditions whose rules no plugin registered, and conditional roles for basic permissions', async () => {
    const p = policy({
      defaultRoles: false,
      roles: [
        { name: 'odd', members: ['user:*'], permissions: ['catalog.entity.delete', 'catalog.entity.create'], conditions: { rule: 'IS_UNKNOWN' } },
      ],
    });
    await expect(ask(p, entityDelete)).resolves.toMatchObject({ result: 'DENY' });
    await expect(ask(p, entityCreate)).resolves.toMatchObject({ result: 'DENY' });
  });

  it('applies roles from the database as they change, without shadowing default or config roles', async () => {
    let stored: StoredRole[] = [];
    const p = policy({ roles: [{ name: 'cfg', members: ['user:nobody'], permissions: ['x.y'] }] }, () => stored);
    await expect(ask(p, entityCreate)).resolves.toMatchObject({ result: 'DENY' });
    stored = [
      { name: 'creators', members: ['group:default/team-a'], permissions: ['catalog.entity.create'], updatedAt: '2026-12-06T00:00:00.000Z' },
      { name: 'cfg', members: ['user:*'], permissions: ['*'], updatedAt: '2026-12-06T00:00:00.000Z' },
    ];
    await expect(ask(p, entityCreate)).resolves.toEqual({ result: 'ALLOW' });
    await expect(ask(p, roleManage)).resolves.toMatchObject({ result: 'DENY' });
    expect(p.roles().map(r => [r.name, r.source])).toEqual([
      ['everyone', 'default'],
      ['entity-owners', 'default'],
      ['task-owners', 'default'],
      ['cfg', 'config'],
      ['creators', 'database'],
    ]);
    expect(p.isFixedRole('everyone')).toBe('default');
    expect(p.isFixedRole('cfg')).toBe('config');
    expect(p.isFixedRole('creators')).toBeUndefined();
  });
});

describe('permission patterns and member refs', () => {
  it('matches names exactly, by prefix, by segment, or everything', () => {
    expect(compilePermissionPattern('catalog.*')('catalog.entity.read')).toBe(true);
    expect(compilePermissionPattern('catalog.*')('catalogx.entity.read')).toBe(false);
    expect(compilePermissionPattern('scorecards.*.read')('scorecards.result.read')).toBe(true);
    expect(compilePermissionPattern('scorecards.*.read')('scorecards.facts.push')).toBe(false);
    expect(compilePermissionPattern('catalog.entity.read')('catalog.entity.readx')).toBe(false);
    expect(compilePermissionPattern('*')('anything')).toBe(true);
  });

  it('normalizes member refs', () => {
    expect(normalizeMemberRef('User:Alice')).toBe('user:default/alice');
    expect(normalizeMemberRef('group:ops/Platform')).toBe('group:ops/platform');
    expect(normalizeMemberRef('user:*')).toBe('user:*');
  });
});
