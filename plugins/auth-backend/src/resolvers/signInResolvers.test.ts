import { authConfigSchema, checkGuestAllowed } from '../config';
import { fakeCatalog, group, user } from '../__testUtils__/fakeIdentityServices';
import { OwnershipResolver } from './OwnershipResolver';
import { resolveUser } from './signInResolvers';
import { userCatalogFromApi } from './UserCatalog';
import type { CatalogApi } from '@portico/plugin-catalog-common';

const entities = [
  user('alice', { profile: { email: 'Alice@Example.com' }, memberOf: ['team-a', 'group:other/ops'] }, { 'github.com/user-login': 'alice-gh', 'portico.dev/oidc-subject': 'sub-123' }),
  user('bob', { profile: { email: 'shared@example.com' } }),
  user('carol', { profile: { email: 'shared@example.com' } }),
  group('team-a', { parent: 'platform' }),
  group('platform', { parent: 'team-a' }), // a cycle must not loop
  { ...group('ops'), metadata: { name: 'ops', namespace: 'other' } },
];

function setup() {
  const catalog = fakeCatalog(entities);
  const tokens: string[] = [];
  const users = userCatalogFromApi(catalog.api as CatalogApi, async () => {
    tokens.push('service-token');
    return 'service-token';
  });
  return { catalog, users, tokens };
}

const resolve = (profile: Parameters<typeof resolveUser>[0]['profile'], resolvers: Parameters<typeof resolveUser>[0]['resolvers'], allow = false) =>
  resolveUser({ profile, resolvers, catalog: setup().users, providerTitle: 'Test', allowWithoutUserInCatalog: allow });

describe('sign-in resolvers', () => {
  it('match by profile email, case-insensitively, with the catalog service token', async () => {
    const { users, catalog } = setup();
    const found = await resolveUser({
      profile: { subject: 's', email: 'alice@example.com' },
      resolvers: ['emailMatchingUserEntityProfileEmail'],
      catalog: users,
      providerTitle: 'Test',
      allowWithoutUserInCatalog: false,
    });
    expect(found.userEntityRef).toBe('user:default/alice');
    expect(catalog.calls).toEqual([{ method: 'getEntities', token: 'service-token' }]);
  });

  it('match by email local part, GitHub login annotation, OIDC subject annotation and username', async () => {
    expect((await resolve({ subject: 's', email: 'alice@corp.test' }, ['emailLocalPartMatchingUserEntityName'])).userEntityRef).toBe('user:default/alice');
    expect((await resolve({ subject: '1', username: 'alice-gh' }, ['usernameMatchingUserEntityAnnotation'])).userEntityRef).toBe('user:default/alice');
    expect((await resolve({ subject: 'sub-123' }, ['oidcSubjectMatchingUserEntityAnnotation'])).userEntityRef).toBe('user:default/alice');
    expect((await resolve({ subject: '1', username: 'bob' }, ['usernameMatchingUserEntityName'])).userEntityRef).toBe('user:default/bob');
  });

  it('try resolvers in order until one matches', async () => {
    const found = await resolve({ subject: 'sub-123', email: 'nobody@example.com' }, ['emailMatchingUserEntityProfileEmail', 'oidcSubjectMatchingUserEntityAnnotation']);
    expect(found.userEntityRef).toBe('user:default/alice');
  });

  it('ignore an email the provider says is not verified', async () => {
    await expect(resolve({ subject: 's', email: 'alice@example.com', emailVerified: false }, ['emailMatchingUserEntityProfileEmail'])).rejects.toThrow(
      'No catalog User matches alice@example.com from Test (tried emailMatchingUserEntityProfileEmail)',
    );
  });

  it('refuse an email two Users share instead of guessing', async () => {
    await expect(resolve({ subject: 's', email: 'shared@example.com' }, ['emailMatchingUserEntityProfileEmail'])).rejects.toThrow(
      'More than one catalog User has the email shared@example.com',
    );
  });

  it('sign in without a catalog User only when dangerouslyAllowSignInWithoutUserInCatalog', async () => {
    await expect(resolve({ subject: 's', username: 'New.Person' }, ['usernameMatchingUserEntityName'])).rejects.toThrow(/No catalog User matches New.Person/);
    expect((await resolve({ subject: 's', username: 'New.Person' }, ['usernameMatchingUserEntityName'], true)).userEntityRef).toBe('user:default/new.person');
  });
});

describe('ownership refs', () => {
  it('are the user and their groups, transitively through parents, across namespaces, with cycles cut', async () => {
    const { users } = setup();
    const refs = await new OwnershipResolver(users).ownershipRefs('user:default/alice');
    expect(refs.sort()).toEqual(['group:default/platform', 'group:default/team-a', 'group:other/ops', 'user:default/alice']);
  });

  it('are cached for a while, and recomputed when asked for fresh ones', async () => {
    const { users, catalog } = setup();
    const resolver = new OwnershipResolver(users);
    await resolver.ownershipRefs('user:default/bob');
    const calls = catalog.calls.length;
    await resolver.ownershipRefs('user:default/bob');
    expect(catalog.calls.length).toBe(calls);
    await resolver.ownershipRefs('user:default/bob', { fresh: true });
    expect(catalog.calls.length).toBeGreaterThan(calls);
  });
});

describe('auth config', () => {
  it('applies defaults: no guest, PT15M access tokens, P7D sessions', () => {
    const config = authConfigSchema.parse(undefined);
    expect(config).toMatchObject({ allowGuest: false, dangerouslyAllowSignInWithoutUserInCatalog: false, session: { accessTokenDuration: 900_000, refreshTokenDuration: 604_800_000 } });
  });

  it('refuses guest under NODE_ENV=production unless allowGuestInProduction, naming both keys', () => {
    const guest = authConfigSchema.parse({ allowGuest: true });
    expect(() => checkGuestAllowed(guest, 'production')).toThrow(/auth\.allowGuest is true but NODE_ENV is production.*auth\.allowGuestInProduction: true/);
    expect(() => checkGuestAllowed(guest, 'development')).not.toThrow();
    expect(() => checkGuestAllowed(authConfigSchema.parse({ allowGuest: true, allowGuestInProduction: true }), 'production')).not.toThrow();
  });

  it('rejects an unknown resolver name', () => {
    const parsed = authConfigSchema.safeParse({ providers: { github: { clientId: 'a', clientSecret: 'b', signIn: { resolvers: ['byMagic'] } } } });
    expect(parsed.success).toBe(false);
  });
});
