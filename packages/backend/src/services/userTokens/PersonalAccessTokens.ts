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

/** How many verified tokens' rows are kept in memory (SQLite only, see `PersonalAccessTokens`). */
export const TOKEN_ROW_CACHE_SIZE = 10_000;

/**
 * The rows of tokens verified lately, per knex of a SQLite database (the host's identity database has one). On
 * SQLite the database belongs to this process alone (the data directory lock: one instance), and every write to
 * the table is a method of this class, which drops what it changes from here; so a cached row is the stored row,
 * and the lookup every request paid (knex and a statement, 0.2-0.3 ms of CPU: about a sixth of a by-name read
 * under bench/load) is skipped. Expiry is still checked on every use. Not on PostgreSQL: another instance may
 * revoke a token there, and only the database knows.
 */
class RowCache {
  readonly rows = new Map<string, TokenRow>();
  /** Moved at the start and at the end of every write: a read that overlapped one does not fill the cache. */
  generation = 0;

  async write<T>(change: () => Promise<T>, drop: () => void): Promise<T> {
    this.generation++;
    drop();
    try {
      return await change();
    } finally {
      this.generation++;
      drop();
    }
  }
}
const rowCaches = new WeakMap<Knex, RowCache>();

function rowCacheOf(knex: Knex): RowCache | undefined {
  const client = (knex.client.config as { client?: unknown }).client;
  if (client !== 'better-sqlite3' && client !== 'sqlite3') return undefined;
  let cache = rowCaches.get(knex);
  if (!cache) rowCaches.set(knex, (cache = new RowCache()));
  return cache;
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
    const remove = async () => (await knex('personal_access_tokens').where({ id: options.id, user_entity_ref: options.userEntityRef }).delete()) > 0;
    const cache = rowCacheOf(knex);
    return cache ? cache.write(remove, () => cache.rows.delete(options.id)) : remove();
  }

  async updateOwnership(userEntityRef: string, ownershipEntityRefs: string[]): Promise<void> {
    const knex = await this.knex();
    const update = async () => {
      await knex('personal_access_tokens')
        .where('user_entity_ref', userEntityRef)
        .update({ ownership_entity_refs: JSON.stringify(ownershipEntityRefs) });
    };
    const cache = rowCacheOf(knex);
    if (!cache) return update();
    return cache.write(update, () => {
      for (const [id, row] of cache.rows) if (row.user_entity_ref === userEntityRef) cache.rows.delete(id);
    });
  }

  /** The stored row of a token id: on SQLite from the cache when there, else from the database (then cached). */
  private async row(knex: Knex, id: string): Promise<TokenRow | undefined> {
    const cache = rowCacheOf(knex);
    const cached = cache?.rows.get(id);
    if (cached) return cached;
    const generation = cache?.generation;
    const row = (await knex('personal_access_tokens').where('id', id).first()) as TokenRow | undefined;
    if (row && cache && generation === cache.generation) {
      if (cache.rows.size >= TOKEN_ROW_CACHE_SIZE) cache.rows.delete(cache.rows.keys().next().value as string);
      cache.rows.set(id, row);
    }
    return row;
  }

  /** The owner of a valid token, or why it is refused. */
  async verify(token: string): Promise<PersonalAccessTokenOwner | PersonalAccessTokenRefusal> {
    const match = TOKEN_PATTERN.exec(token);
    if (!match) return 'Invalid personal access token';
    const [, id, secret] = match;
    const knex = await this.knex();
    const row = await this.row(knex, id);
    const given = Buffer.from(sha256(secret), 'hex');
    // Compared in constant time; a missing row is compared against itself so both paths cost the same.
    const stored = row ? Buffer.from(row.secret_hash, 'hex') : given;
    if (!row || stored.length !== given.length || !timingSafeEqual(stored, given)) return 'Invalid personal access token';
    const now = this.now();
    if (row.expires_at !== null && Number(row.expires_at) <= now) return 'Personal access token expired';
    if (row.last_used_at === null || now - Number(row.last_used_at) > LAST_USED_RESOLUTION_MS) {
      await knex('personal_access_tokens').where('id', id).update({ last_used_at: now });
      row.last_used_at = now; // the cached row too (SQLite): the next write is a minute away again
    }
    return {
      userEntityRef: row.user_entity_ref,
      ownershipEntityRefs: JSON.parse(row.ownership_entity_refs) as string[],
      ...(row.expires_at !== null ? { expiresAt: new Date(Number(row.expires_at)) } : {}),
    };
  }
}
