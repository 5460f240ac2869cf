import { describeEachDatabase } from '@portico/test-utils';
import { newUserCode } from '../service/userCode';
import { DeviceCodeStore } from './DeviceCodeStore';
import { migrations } from './migrations';
import { hashToken, SessionStore } from './SessionStore';
import { SignInFlowStore } from './SignInFlowStore';

const DAY = 86_400_000;

describeEachDatabase('auth stores', db => {
  let sessions: SessionStore;
  let flows: SignInFlowStore;
  let devices: DeviceCodeStore;

  beforeAll(async () => {
    for (const migration of migrations) await migration.up(db.knex);
    sessions = new SessionStore(db.knex);
    flows = new SignInFlowStore(db.knex);
    devices = new DeviceCodeStore(db.knex);
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

  describe('device codes', () => {
    const t0 = Date.parse('2026-12-01T00:00:00Z');
    const TTL = 600_000;
    const INTERVAL = 5_000;
    const alice = { userEntityRef: 'user:default/alice', ownershipEntityRefs: ['user:default/alice', 'group:default/team-a'] };
    let n = 0;
    async function started(now = t0) {
      n += 1;
      const codes = { deviceCode: `device-code-${n}`, userCode: newUserCode() };
      expect(await devices.create({ ...codes, clientName: 'portico CLI on box', ttlMs: TTL, now })).toBe(true);
      return codes;
    }

    it('keeps both codes only as hashes', async () => {
      const { deviceCode, userCode } = await started();
      const row = await db.knex('device_codes').where({ device_code_hash: hashToken(deviceCode) }).first();
      expect(row.user_code_hash).toBe(hashToken(userCode));
      expect(JSON.stringify(row)).not.toContain(deviceCode);
      expect(JSON.stringify(row)).not.toContain(userCode);
    });

    it('is pending, asks a client that polls sooner than the interval to slow down, and pending again after it', async () => {
      const { deviceCode } = await started();
      expect(await devices.poll(deviceCode, INTERVAL, t0 + 1_000)).toEqual({ outcome: 'pending' });
      expect(await devices.poll(deviceCode, INTERVAL, t0 + 3_000)).toEqual({ outcome: 'slow_down' });
      // The slow_down poll counts: the interval runs from it.
      expect(await devices.poll(deviceCode, INTERVAL, t0 + 7_000)).toEqual({ outcome: 'slow_down' });
      expect(await devices.poll(deviceCode, INTERVAL, t0 + 12_000)).toEqual({ outcome: 'pending' });
    });

    it('hands an approved authorization out once, with the approving user', async () => {
      const { deviceCode, userCode } = await started();
      expect(await devices.decide({ userCode, decision: 'approved', ...alice }, t0 + 1_000)).toBe('decided');
      const first = await devices.poll(deviceCode, INTERVAL, t0 + 2_000);
      expect(first).toMatchObject({ outcome: 'approved', authorization: { clientName: 'portico CLI on box', approvedBy: alice } });
      expect(await devices.poll(deviceCode, INTERVAL, t0 + 9_000)).toEqual({ outcome: 'unknown' });
    });

    it('issues once when two instances poll an approved code at the same moment', async () => {
      const { deviceCode, userCode } = await started();
      await devices.decide({ userCode, decision: 'approved', ...alice }, t0 + 1_000);
      const other = new DeviceCodeStore(db.knex);
      const results = await Promise.all([devices.poll(deviceCode, INTERVAL, t0 + 2_000), other.poll(deviceCode, INTERVAL, t0 + 2_000)]);
      expect(results.map(r => r.outcome).sort()).toEqual(['approved', 'unknown']);
    });

    it('answers denied to the CLI, and refuses a second decision', async () => {
      const { deviceCode, userCode } = await started();
      expect(await devices.decide({ userCode, decision: 'denied', ...alice }, t0 + 1_000)).toBe('decided');
      expect(await devices.decide({ userCode, decision: 'approved', ...alice }, t0 + 2_000)).toBe('already-decided');
      expect(await devices.poll(deviceCode, INTERVAL, t0 + 3_000)).toEqual({ outcome: 'denied' });
    });

    it('expires: no decision, no token, and the user code is free again', async () => {
      const { deviceCode, userCode } = await started();
      expect(await devices.findByUserCode(userCode, t0 + TTL - 1)).toMatchObject({ status: 'pending' });
      expect(await devices.findByUserCode(userCode, t0 + TTL)).toBeUndefined();
      expect(await devices.decide({ userCode, decision: 'approved', ...alice }, t0 + TTL)).toBe('unknown');
      expect(await devices.poll(deviceCode, INTERVAL, t0 + TTL)).toEqual({ outcome: 'expired' });
      expect(await devices.create({ deviceCode: 'another', userCode, clientName: 'x', ttlMs: TTL, now: t0 + TTL })).toBe(true);
      expect(await devices.create({ deviceCode: 'a-third', userCode, clientName: 'x', ttlMs: TTL, now: t0 + TTL })).toBe(false);
    });

    it('knows nothing of an unknown code', async () => {
      expect(await devices.poll('no-such-device-code', INTERVAL, t0)).toEqual({ outcome: 'unknown' });
      expect(await devices.decide({ userCode: 'ZZZZ-ZZZZ', decision: 'approved', ...alice }, t0)).toBe('unknown');
    });
  });
});
