import type { Knex } from 'knex';
import { hashToken } from './SessionStore';

export type DeviceCodeStatus = 'pending' | 'approved' | 'denied';

/** A device authorization as its store knows it (never the codes themselves, only their hashes). */
export interface DeviceAuthorization {
  clientName: string;
  status: DeviceCodeStatus;
  /** The approving user, once approved. */
  approvedBy?: { userEntityRef: string; ownershipEntityRefs: string[] };
  createdAt: number;
  expiresAt: number;
}

interface DeviceCodeRow {
  device_code_hash: string;
  user_code_hash: string;
  client_name: string;
  status: DeviceCodeStatus;
  user_entity_ref: string | null;
  ownership_entity_refs: string | null;
  last_polled_at: number | string | null;
  created_at: number | string;
  expires_at: number | string;
}

/** What a poll of the token endpoint found. */
export type PollResult =
  | { outcome: 'unknown' }
  | { outcome: 'expired' }
  | { outcome: 'pending' }
  /** Polled again sooner than the interval allows. */
  | { outcome: 'slow_down' }
  | { outcome: 'denied' }
  /** Approved, and taken out of the store by this poll: no other poll gets it. */
  | { outcome: 'approved'; authorization: DeviceAuthorization };

/** The outcome of approving or denying by user code. */
export type DecideResult = 'decided' | 'unknown' | 'already-decided';

function toAuthorization(row: DeviceCodeRow): DeviceAuthorization {
  return {
    clientName: row.client_name,
    status: row.status,
    ...(row.user_entity_ref
      ? { approvedBy: { userEntityRef: row.user_entity_ref, ownershipEntityRefs: JSON.parse(row.ownership_entity_refs ?? '[]') as string[] } }
      : {}),
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
  };
}

/**
 * Pending `portico login`s (RFC 8628 device authorization), in the database so that any instance may answer
 * the browser and the polling CLI. Codes are stored as sha256 hex; every change is a compare-and-set, so two
 * instances never both issue a token for one device code.
 */
export class DeviceCodeStore {
  constructor(private readonly knex: Knex) {}

  /** Saves a new authorization; false when the user code is taken (the caller draws another). */
  async create(options: { deviceCode: string; userCode: string; clientName: string; ttlMs: number; now?: number }): Promise<boolean> {
    const now = options.now ?? Date.now();
    const userCodeHash = hashToken(options.userCode);
    // A taken user code of an expired row is freed first, so that old rows never block new logins.
    await this.knex('device_codes').where({ user_code_hash: userCodeHash }).andWhere('expires_at', '<=', now).delete();
    if (await this.knex('device_codes').where({ user_code_hash: userCodeHash }).first()) return false;
    await this.knex<DeviceCodeRow>('device_codes').insert({
      device_code_hash: hashToken(options.deviceCode),
      user_code_hash: userCodeHash,
      client_name: options.clientName,
      status: 'pending',
      user_entity_ref: null,
      ownership_entity_refs: null,
      last_polled_at: null,
      created_at: now,
      expires_at: now + options.ttlMs,
    });
    return true;
  }

  /** The authorization a user code names, while it has not expired. */
  async findByUserCode(userCode: string, now = Date.now()): Promise<DeviceAuthorization | undefined> {
    const row = await this.knex<DeviceCodeRow>('device_codes').where({ user_code_hash: hashToken(userCode) }).andWhere('expires_at', '>', now).first();
    return row ? toAuthorization(row) : undefined;
  }

  /** Approves (for this user) or denies a pending, unexpired authorization. */
  async decide(
    options: { userCode: string; decision: 'approved' | 'denied'; userEntityRef: string; ownershipEntityRefs: string[] },
    now = Date.now(),
  ): Promise<DecideResult> {
    const userCodeHash = hashToken(options.userCode);
    const updated = await this.knex('device_codes')
      .where({ user_code_hash: userCodeHash, status: 'pending' })
      .andWhere('expires_at', '>', now)
      .update({
        status: options.decision,
        user_entity_ref: options.userEntityRef,
        ownership_entity_refs: JSON.stringify(options.ownershipEntityRefs),
      });
    if (updated === 1) return 'decided';
    return (await this.findByUserCode(options.userCode, now)) ? 'already-decided' : 'unknown';
  }

  /**
   * One poll of the token endpoint. A pending authorization polled sooner than `intervalMs` after the previous
   * poll is `slow_down`; an approved one is deleted by the poll that returns it.
   */
  async poll(deviceCode: string, intervalMs: number, now = Date.now()): Promise<PollResult> {
    const deviceCodeHash = hashToken(deviceCode);
    const row = await this.knex<DeviceCodeRow>('device_codes').where({ device_code_hash: deviceCodeHash }).first();
    if (!row) return { outcome: 'unknown' };
    if (Number(row.expires_at) <= now) return { outcome: 'expired' };
    if (row.status === 'denied') return { outcome: 'denied' };
    if (row.status === 'approved') {
      const taken = await this.knex('device_codes').where({ device_code_hash: deviceCodeHash, status: 'approved' }).delete();
      return taken === 1 ? { outcome: 'approved', authorization: toAuthorization(row) } : { outcome: 'unknown' };
    }
    // Every poll moves last_polled_at, so a client that keeps polling too fast keeps being told to slow down.
    const polledInTime = await this.knex('device_codes')
      .where({ device_code_hash: deviceCodeHash })
      .andWhere(q => q.whereNull('last_polled_at').orWhere('last_polled_at', '<=', now - intervalMs))
      .update({ last_polled_at: now });
    if (polledInTime === 1) return { outcome: 'pending' };
    await this.knex('device_codes').where({ device_code_hash: deviceCodeHash }).update({ last_polled_at: now });
    return { outcome: 'slow_down' };
  }

  async deleteExpired(now = Date.now()): Promise<number> {
    return this.knex('device_codes').where('expires_at', '<=', now).delete();
  }
}
