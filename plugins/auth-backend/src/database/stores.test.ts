import { describeEachDatabase } from '@portico/test-utils';
import { migrations } from './migrations';
import { hashToken, SessionStore } from './SessionStore';
import { SignInFlowStore } from './SignInFlowStore';

const DAY = 86_400_000;

describeEachDatabase('auth stores', db => {
  let sessions: SessionStore;
  let flows: SignInFlowStore;

  beforeAll(async () => {
    for (const migration of migrations) await migration.up(db.knex);
    sessions = new SessionStore(db.knex);
    flows = new SignInFlowStore(db.knex);
  });

  it('keeps refresh tokens only as hashes', async () => {
    const { refreshToken, session } = await sessions.create({ userEntityRef: 'user:default/alice', provider: 'oidc', durationMs: DAY });
    const row = await db.knex('sessions').where({ id: session.id }).first();
    expect(row.refresh_token_hash).toBe(hashToken(refreshToken));
    expect(JSON.stringify(row)).not.toContain(refreshToken);
  });

  it('rotates a refresh token once when two instances race on it', async () => {
    const { refreshToken } = await sessions.create({ userEntityRef: 'user:default/alice', provider: 'oidc', durationMs: DAY });
    const other = new SessionStore(db.knex);
    const results = await Promise.all([sessions.rotate(refreshToken, DAY), other.rotate(refreshToken, DAY)]);
    expect(results.filter(r => r.outcome === 'rotated')).toHaveLength(1);
  });

  it('extends the session on rotation, ends it when expired, and ends it when an old token returns', async () => {
    const t0 = Date.parse('2026-12-01T00:00:00Z');
    const { refreshToken } = await sessions.create({ userEntityRef: 'user:default/bob', provider: 'github', durationMs: DAY, now: t0 });
    const rotated = await sessions.rotate(refreshToken, DAY, t0 + DAY / 2);
    if (rotated.outcome !== 'rotated') throw new Error(rotated.outcome);
    expect(rotated.session.expiresAt).toBe(t0 + DAY / 2 + DAY);

    expect((await sessions.rotate(refreshToken, DAY, t0 + DAY)).outcome).toBe('reused');
    expect((await sessions.rotate(rotated.refreshToken, DAY, t0 + DAY)).outcome).toBe('unknown');

    const late = await sessions.create({ userEntityRef: 'user:default/bob', provider: 'github', durationMs: DAY, now: t0 });
    expect((await sessions.rotate(late.refreshToken, DAY, t0 + 2 * DAY)).outcome).toBe('expired');
  });

  it('hands a pending sign-in out once, and not after it expired', async () => {
    const flow = { state: 'state-1', provider: 'oidc', nonce: 'n', codeVerifier: 'v', redirect: '/catalog' };
    await flows.save(flow, 60_000);
    expect(await flows.consume('state-1')).toEqual(flow);
    expect(await flows.consume('state-1')).toBeUndefined();

    await flows.save({ ...flow, state: 'state-2' }, 60_000, Date.now() - 120_000);
    expect(await flows.consume('state-2')).toBeUndefined();
  });
});
