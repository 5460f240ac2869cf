import { describeEachDatabase } from '@portico/test-utils';
import { identityMigrations } from './identityMigrations';
import { PersonalAccessTokens } from './PersonalAccessTokens';

const ADA = 'user:default/ada';

describeEachDatabase('personal access tokens', db => {
  let now = Date.UTC(2026, 11, 7);
  let lookups = 0;
  const tokens = new PersonalAccessTokens(async () => db.knex, () => now);

  beforeAll(async () => {
    for (const m of [...identityMigrations].sort((a, b) => a.name.localeCompare(b.name))) await m.up(db.knex);
    db.knex.on('query', (q: { sql: string }) => {
      if (/^select \* from .personal_access_tokens. where .id. = (\?|\$1)/i.test(q.sql)) lookups++;
    });
  });

  it('reads a token once on SQLite (the one instance owns the database), on every use on PostgreSQL; expiry holds either way', async () => {
    const created = await tokens.create({ userEntityRef: ADA, ownershipEntityRefs: [ADA], name: 'ci', expiresAt: new Date(now + 60_000) });
    lookups = 0;
    for (let i = 0; i < 3; i++) expect(await tokens.verify(created.token)).toMatchObject({ userEntityRef: ADA, ownershipEntityRefs: [ADA] });
    expect(lookups).toBe(db.engine === 'sqlite' ? 1 : 3);
    expect(await tokens.verify(`pat_${created.id}_${'A'.repeat(43)}`)).toBe('Invalid personal access token');
    now += 60_000;
    expect(await tokens.verify(created.token)).toBe('Personal access token expired');
  });

  it('sees an ownership change and a revocation at once, also one that overlaps a verification', async () => {
    const created = await tokens.create({ userEntityRef: ADA, ownershipEntityRefs: [ADA], name: 'laptop' });
    expect(await tokens.verify(created.token)).toMatchObject({ ownershipEntityRefs: [ADA] });
    await tokens.updateOwnership(ADA, [ADA, 'group:default/team-a']);
    expect(await tokens.verify(created.token)).toMatchObject({ ownershipEntityRefs: [ADA, 'group:default/team-a'] });

    const other = await tokens.create({ userEntityRef: ADA, ownershipEntityRefs: [ADA], name: 'desktop' });
    // the verification reads the row while the revocation deletes it: whichever order, nothing keeps it afterwards
    const [during, revoked] = await Promise.all([tokens.verify(other.token), tokens.revoke({ userEntityRef: ADA, id: other.id })]);
    expect(revoked).toBe(true);
    expect(typeof during === 'string' ? during : 'valid').toMatch(/^(valid|Invalid personal access token)$/);
    expect(await tokens.verify(other.token)).toBe('Invalid personal access token');

    expect(await tokens.revoke({ userEntityRef: ADA, id: created.id })).toBe(true);
    expect(await tokens.verify(created.token)).toBe('Invalid personal access token');
  });

  it('writes last_used_at at most once a minute', async () => {
    const created = await tokens.create({ userEntityRef: ADA, ownershipEntityRefs: [ADA], name: 'script' });
    const lastUsed = async () => (await tokens.list(ADA)).find(t => t.id === created.id)?.lastUsedAt;
    await tokens.verify(created.token);
    const first = await lastUsed();
    expect(first).toBe(new Date(now).toISOString());
    now += 30_000;
    await tokens.verify(created.token);
    expect(await lastUsed()).toBe(first);
    now += 31_000;
    await tokens.verify(created.token);
    expect(await lastUsed()).toBe(new Date(now).toISOString());
  });
});
