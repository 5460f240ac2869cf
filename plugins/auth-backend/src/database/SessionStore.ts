import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';

/** A browser session: who signed in, through which provider, until when it may be refreshed. */
export interface Session {
  id: string;
  userEntityRef: string;
  provider: string;
  createdAt: number;
  refreshedAt: number;
  expiresAt: number;
}

interface SessionRow {
  id: string;
  user_entity_ref: string;
  provider: string;
  refresh_token_hash: string;
  previous_token_hash: string | null;
  created_at: number | string;
  refreshed_at: number | string;
  expires_at: number | string;
}

/** The result of presenting a refresh token. */
export type RotateResult =
  | { outcome: 'rotated'; session: Session; refreshToken: string }
  | { outcome: 'unknown' }
  | { outcome: 'expired' }
  /** An already-rotated token came back: someone else holds the session; it is ended. */
  | { outcome: 'reused'; session: Session };

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

const newRefreshToken = () => randomBytes(32).toString('base64url');

function toSession(row: SessionRow): Session {
  return {
    id: row.id,
    userEntityRef: row.user_entity_ref,
    provider: row.provider,
    createdAt: Number(row.created_at),
    refreshedAt: Number(row.refreshed_at),
    expiresAt: Number(row.expires_at),
  };
}

/** Sessions and their rotating refresh tokens (hashed at rest). */
export class SessionStore {
  constructor(private readonly knex: Knex) {}

  async create(options: { userEntityRef: string; provider: string; durationMs: number; now?: number }): Promise<{ session: Session; refreshToken: string }> {
    const now = options.now ?? Date.now();
    const refreshToken = newRefreshToken();
    const row: SessionRow = {
      id: randomUUID(),
      user_entity_ref: options.userEntityRef,
      provider: options.provider,
      refresh_token_hash: hashToken(refreshToken),
      previous_token_hash: null,
      created_at: now,
      refreshed_at: now,
      expires_at: now + options.durationMs,
    };
    await this.knex<SessionRow>('sessions').insert(row);
    return { session: toSession(row), refreshToken };
  }

  /**
   * Swaps a refresh token for a new one and extends the session by `durationMs`. The swap is a
   * compare-and-set on the hash, so two instances racing on one token rotate it once.
   */
  async rotate(refreshToken: string, durationMs: number, now = Date.now()): Promise<RotateResult> {
    const hash = hashToken(refreshToken);
    const row = await this.knex<SessionRow>('sessions').where({ refresh_token_hash: hash }).first();
    if (!row) {
      const stolen = await this.knex<SessionRow>('sessions').where({ previous_token_hash: hash }).first();
      if (!stolen) return { outcome: 'unknown' };
      await this.knex('sessions').where({ id: stolen.id }).delete();
      return { outcome: 'reused', session: toSession(stolen) };
    }
    if (Number(row.expires_at) <= now) {
      await this.knex('sessions').where({ id: row.id }).delete();
      return { outcome: 'expired' };
    }
    const next = newRefreshToken();
    const updated = await this.knex('sessions')
      .where({ id: row.id, refresh_token_hash: hash })
      .update({ refresh_token_hash: hashToken(next), previous_token_hash: hash, refreshed_at: now, expires_at: now + durationMs });
    if (updated !== 1) return { outcome: 'unknown' };
    return { outcome: 'rotated', refreshToken: next, session: { ...toSession(row), refreshedAt: now, expiresAt: now + durationMs } };
  }

  /** Ends the session holding this refresh token (current or just rotated); false when there is none. */
  async deleteByRefreshToken(refreshToken: string): Promise<boolean> {
    const hash = hashToken(refreshToken);
    const deleted = await this.knex('sessions').where({ refresh_token_hash: hash }).orWhere({ previous_token_hash: hash }).delete();
    return deleted > 0;
  }

  async deleteExpired(now = Date.now()): Promise<number> {
    return this.knex('sessions').where('expires_at', '<=', now).delete();
  }
}
