import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Knex } from 'knex';
import type { PersonalAccessTokenInfo } from '@portico/backend-plugin-api';

const TOKEN_PATTERN = /^pat_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
/** `last_used_at` is written at most this often per token, not on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

interface TokenRow {
  id: string;
  user_entity_ref: string;
  name: string;
  secret_hash: string;
  ownership_entity_refs: string;
  created_at: number | string;
  expires_at: number | string | null;
  last_used_at: number | string | null;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const iso = (ms: number | string | null) => (ms === null ? undefined : new Date(Number(ms)).toISOString());

/** What a valid personal access token stands for. */
export interface PersonalAccessTokenOwner {
  userEntityRef: string;
  ownershipEntityRefs: string[];
  expiresAt?: Date;
}

/** Why a personal access token was refused (the 401 message). */
export type PersonalAccessTokenRefusal = 'Invalid personal access token' | 'Personal access token expired';

/**
 * Personal access tokens: `pat_<id>_<secret>`. Only the sha256 of the secret is stored; the owner's
 * ownership refs are stored with the token and refreshed at each sign-in (`updateOwnership`).
 */
export class PersonalAccessTokens {
  constructor(
    private readonly knex: () => Promise<Knex>,
    private readonly now: () => number = Date.now,
  ) {}

  static looksLikeOne(token: string): boolean {
    return token.startsWith('pat_');
  }

  async create(options: { userEntityRef: string; ownershipEntityRefs: string[]; name: string; expiresAt?: Date }) {
    const id = randomBytes(8).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const knex = await this.knex();
    await knex('personal_access_tokens').insert({
      id,
      user_entity_ref: options.userEntityRef,
      name: options.name,
      secret_hash: sha256(secret),
      ownership_entity_refs: JSON.stringify(options.ownershipEntityRefs),
      created_at: this.now(),
      expires_at: options.expiresAt?.getTime() ?? null,
      last_used_at: null,
    });
    return { id, token: `pat_${id}_${secret}`, expiresAt: options.expiresAt };
  }

  async list(userEntityRef: string): Promise<PersonalAccessTokenInfo[]> {
    const knex = await this.knex();
    const rows = (await knex('personal_access_tokens').where('user_entity_ref', userEntityRef).orderBy('created_at', 'desc')) as TokenRow[];
    return rows.map(row => ({
      id: row.id,
      name: row.name,
      createdAt: iso(row.created_at)!,
      ...(row.expires_at !== null ? { expiresAt: iso(row.expires_at) } : {}),
      ...(row.last_used_at !== null ? { lastUsedAt: iso(row.last_used_at) } : {}),
    }));
  }

  async revoke(options: { userEntityRef: string; id: string }): Promise<boolean> {
    const knex = await this.knex();
    const deleted = await knex('personal_access_tokens').where({ id: options.id, user_entity_ref: options.userEntityRef }).delete();
    return deleted > 0;
  }

  async updateOwnership(userEntityRef: string, ownershipEntityRefs: string[]): Promise<void> {
    const knex = await this.knex();
    await knex('personal_access_tokens')
      .where('user_entity_ref', userEntityRef)
      .update({ ownership_entity_refs: JSON.stringify(ownershipEntityRefs) });
  }

  /** The owner of a valid token, or why it is refused. */
  async verify(token: string): Promise<PersonalAccessTokenOwner | PersonalAccessTokenRefusal> {
    const match = TOKEN_PATTERN.exec(token);
    if (!match) return 'Invalid personal access token';
    const [, id, secret] = match;
    const knex = await this.knex();
    const row = (await knex('personal_access_tokens').where('id', id).first()) as TokenRow | undefined;
    const given = Buffer.from(sha256(secret), 'hex');
    // Compared in constant time; a missing row is compared against itself so both paths cost the same.
    const stored = row ? Buffer.from(row.secret_hash, 'hex') : given;
    if (!row || stored.length !== given.length || !timingSafeEqual(stored, given)) return 'Invalid personal access token';
    const now = this.now();
    if (row.expires_at !== null && Number(row.expires_at) <= now) return 'Personal access token expired';
    if (row.last_used_at === null || now - Number(row.last_used_at) > LAST_USED_RESOLUTION_MS) {
      await knex('personal_access_tokens').where('id', id).update({ last_used_at: now });
    }
    return {
      userEntityRef: row.user_entity_ref,
      ownershipEntityRefs: JSON.parse(row.ownership_entity_refs) as string[],
      ...(row.expires_at !== null ? { expiresAt: new Date(Number(row.expires_at)) } : {}),
    };
  }
}
