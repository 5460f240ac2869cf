import { createPermission, createPermissionRule, type Credentials, type PermissionPolicy, type PolicyDecision } from '@portico/backend-plugin-api';
import { MockLogger } from '@portico/test-utils';
import { z } from 'zod';
import { PermissionsEvaluator } from './PermissionsEvaluator';
import { PermissionsRegistry } from './PermissionsRegistry';

interface Thing {
  ref: string;
  owner: string;
}

const things: Record<string, Thing> = {
  'thing:a': { ref: 'thing:a', owner: 'user:default/alice' },
  'thing:b': { ref: 'thing:b', owner: 'group:default/team' },
};

const isOwner = createPermissionRule<Thing, string, { claims: string[] }>({
  name: 'IS_OWNER',
  description: 'owned by one of the claims',
  resourceType: 'thing',
  paramsSchema: z.object({ claims: z.array(z.string()) }),
  apply: (thing, { claims }) => claims.includes(thing.owner),
  toQuery: ({ claims }) => ({ anyOf: claims.map(c => `owner=${c}`) as [string, ...string[]] }),
});

const thingDelete = createPermission({ name: 'thing.delete', resourceType: 'thing' });
const thingCreate = createPermission({ name: 'thing.create' });

const user = (ref = 'user:default/alice', ownership = [ref]): Credentials => ({
  $$type: '@portico/Credentials',
  principal: { type: 'user', userEntityRef: ref, ownershipEntityRefs: ownership },
});
const none: Credentials = { $$type: '@portico/Credentials', principal: { type: 'none' } };

const ownerCondition = (claims: string[]): PolicyDecision => ({
  result: 'CONDITIONAL',
  pluginId: 'things',
  resourceType: 'thing',
  conditions: { resourceType: 'thing', rule: 'IS_OWNER', params: { claims } },
});

function setup(policy: PermissionPolicy | undefined, options: { getResources?: boolean } = {}) {
  const logger = new MockLogger();
  const registry = new PermissionsRegistry();
  const loads: string[][] = [];
  registry.forPlugin('things').addResourceType({
    resourceType: 'thing',
    permissions: [thingDelete],
    rules: [isOwner],
    ...(options.getResources === false
      ? {}
      : {
          async getResources(refs: string[]) {
            loads.push(refs);
            return refs.map(ref => things[ref]);
          },
        }),
  });
  const evaluator = new PermissionsEvaluator({ getPolicy: () => policy, registry, logger });
  return { evaluator, logger, loads };
}

describe('PermissionsEvaluator', () => {
  it('passes ALLOW and DENY through, with the reason', async () => {
    const { evaluator } = setup({
      async handle({ permission }) {
        return permission.name === 'thing.create' ? { result: 'ALLOW' } : { result: 'DENY', reason: 'no' };
      },
    });
    await expect(
      evaluator.authorize([{ permission: thingCreate }, { permission: thingDelete, resourceRef: 'thing:a' }], { credentials: user() }),
    ).resolves.toEqual([{ result: 'ALLOW' }, { result: 'DENY', reason: 'no' }]);
  });

  it('denies a policy that throws, and logs why', async () => {
    const { evaluator, logger } = setup({
      async handle() {
        throw new Error('database gone');
      },
    });
    const [decision] = await evaluator.authorize([{ permission: thingCreate }], { credentials: user() });
    expect(decision.result).toBe('DENY');
    expect(logger.lines.some(l => l.level === 'error' && l.message.includes('database gone'))).toBe(true);
    const [conditional] = await evaluator.authorizeConditional([{ permission: thingDelete }], { credentials: user() });
    expect(conditional.result).toBe('DENY');
  });

  it('denies a policy that answers nothing valid', async () => {
    const { evaluator } = setup({ handle: async () => ({ result: 'MAYBE' }) as unknown as PolicyDecision });
    await expect(evaluator.authorize([{ permission: thingCreate }], { credentials: user() })).resolves.toEqual([
      expect.objectContaining({ result: 'DENY' }),
    ]);
  });

  it('denies every request without credentials before asking the policy', async () => {
    const handle = jest.fn(async () => ({ result: 'ALLOW' as const }));
    const { evaluator } = setup({ handle });
    const [decision] = await evaluator.authorize([{ permission: thingCreate }], { credentials: none });
    expect(decision).toEqual({ result: 'DENY', reason: "Sign in to use 'thing.create'" });
    expect(handle).not.toHaveBeenCalled();
  });

  it('denies an external token a permission its access restrictions do not list', async () => {
    const { evaluator } = setup({ handle: async () => ({ result: 'ALLOW' }) });
    const credentials: Credentials = {
      $$type: '@portico/Credentials',
      principal: { type: 'service', subject: 'external:ci', accessRestrictions: { permissions: ['thing.create', 'other.*'] } },
    };
    const decisions = await evaluator.authorize(
      [{ permission: thingCreate }, { permission: thingDelete, resourceRef: 'thing:a' }, { permission: createPermission({ name: 'other.x.read' }) }],
      { credentials },
    );
    expect(decisions.map(d => d.result)).toEqual(['ALLOW', 'DENY', 'ALLOW']);
    expect(decisions[1].reason).toContain('external:ci');
  });

  it('denies everything while no policy is set', async () => {
    const { evaluator, logger } = setup(undefined);
    await expect(evaluator.authorize([{ permission: thingCreate }], { credentials: user() })).resolves.toEqual([
      { result: 'DENY', reason: 'No permission policy is set' },
    ]);
    expect(logger.lines.some(l => l.level === 'warn')).toBe(true);
  });

  it('applies a conditional decision to the named resource, loading each resource type once', async () => {
    const { evaluator, loads } = setup({ handle: async () => ownerCondition(['user:default/alice']) });
    const decisions = await evaluator.authorize(
      [
        { permission: thingDelete, resourceRef: 'thing:a' },
        { permission: thingDelete, resourceRef: 'thing:b' },
        { permission: thingDelete, resourceRef: 'thing:missing' },
        { permission: thingDelete },
      ],
      { credentials: user() },
    );
    expect(decisions.map(d => d.result)).toEqual(['ALLOW', 'DENY', 'DENY', 'DENY']);
    expect(decisions[1].reason).toBe("Not allowed 'thing.delete' on 'thing:b'");
    expect(decisions[2].reason).toBe("'thing:missing' was not found");
    expect(loads).toEqual([['thing:a', 'thing:b', 'thing:missing']]);
  });

  it('denies a conditional decision for a basic permission', async () => {
    const { evaluator, logger } = setup({ handle: async () => ownerCondition(['user:default/alice']) });
    const [decision] = await evaluator.authorize([{ permission: thingCreate }], { credentials: user() });
    expect(decision.result).toBe('DENY');
    expect(logger.lines.some(l => l.level === 'error' && l.message.includes('basic permission'))).toBe(true);
  });

  it('denies a conditional decision on a resource type that registered no way to load it', async () => {
    const { evaluator } = setup({ handle: async () => ownerCondition(['user:default/alice']) }, { getResources: false });
    const [decision] = await evaluator.authorize([{ permission: thingDelete, resourceRef: 'thing:a' }], { credentials: user() });
    expect(decision.result).toBe('DENY');
  });

  it('denies conditions naming a rule that is not registered', async () => {
    const unknownRule: PolicyDecision = {
      result: 'CONDITIONAL',
      pluginId: 'things',
      resourceType: 'thing',
      conditions: { anyOf: [{ resourceType: 'thing', rule: 'IS_OWNER', params: { claims: [] } }, { resourceType: 'thing', rule: 'NOPE' }] },
    };
    const { evaluator, logger } = setup({ handle: async () => unknownRule });
    const [forQuery] = await evaluator.authorizeConditional([{ permission: thingDelete }], { credentials: user() });
    expect(forQuery.result).toBe('DENY');
    expect(logger.lines.some(l => l.message.includes("unknown rule 'NOPE'"))).toBe(true);
    const [forResource] = await evaluator.authorize([{ permission: thingDelete, resourceRef: 'thing:a' }], { credentials: user() });
    expect(forResource.result).toBe('DENY');
  });

  it('denies conditions whose params do not parse', async () => {
    const bad: PolicyDecision = { result: 'CONDITIONAL', pluginId: 'things', resourceType: 'thing', conditions: { resourceType: 'thing', rule: 'IS_OWNER', params: { claims: 'x' } } };
    const { evaluator } = setup({ handle: async () => bad });
    const [decision] = await evaluator.authorizeConditional([{ permission: thingDelete }], { credentials: user() });
    expect(decision.result).toBe('DENY');
  });

  it('returns valid conditions for list endpoints, naming the plugin that owns the resource type', async () => {
    const { evaluator } = setup({ handle: async () => ({ ...ownerCondition(['group:default/team']), pluginId: 'wrong' }) as PolicyDecision });
    const [decision] = await evaluator.authorizeConditional([{ permission: thingDelete }], { credentials: user() });
    expect(decision).toEqual({ ...ownerCondition(['group:default/team']), pluginId: 'things' });
  });
});

describe('PermissionsRegistry', () => {
  it('refuses a resource type registered by two plugins, naming both', () => {
    const registry = new PermissionsRegistry();
    registry.forPlugin('one').addResourceType({ resourceType: 'thing', rules: [isOwner] });
    expect(() => registry.forPlugin('two').addResourceType({ resourceType: 'thing', rules: [] })).toThrow(
      "Resource type 'thing' is registered by plugin 'one'; plugin 'two' cannot register it again",
    );
  });

  it('refuses a permission declared differently by another plugin and lists each one once', () => {
    const registry = new PermissionsRegistry();
    registry.forPlugin('things').addPermissions([thingCreate, thingDelete]);
    registry.forPlugin('things').addPermissions([thingCreate]);
    expect(() => registry.forPlugin('other').addPermissions([createPermission({ name: 'thing.delete' })])).toThrow(/already declared differently/);
    expect(registry.listPermissions().map(p => [p.name, p.pluginId])).toEqual([
      ['thing.create', 'things'],
      ['thing.delete', 'things'],
    ]);
  });
});
