import { randomUUID } from 'node:crypto';
import type * as Jose from 'jose';
import type { CryptoKey, JWK } from 'jose';
import type { Knex } from 'knex';

/** jose, loaded with the first key made or read rather than with the host. */
const jose = (): typeof Jose => require('jose') as typeof Jose;

export const SIGNING_ALGORITHM = 'ES256';

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  createdAt: number;
}

interface PublicKeyRecord {
  jwk: JWK;
  key: CryptoKey;
  expiresAt: number;
}

export interface SigningKeysOptions {
  /** How long one key signs before the next one takes over. */
  rotationIntervalMs: number;
  /** The longest lifetime of a token it signs: the public key is kept that long after the key stops signing. */
  maxTokenLifetimeMs: number;
  now?: () => number;
}

/**
 * The ES256 keys tokens are signed with. Each instance generates its own key pair, keeps the private
 * half in memory and publishes the public half in the `signing_keys` table, so that every instance on
 * the same database verifies every other's tokens. A key signs for `rotationIntervalMs`; its public half
 * stays until every token it signed has expired, so rotation logs nobody out. A token naming a key this
 * instance does not know makes it reload the table once (another instance may have just rotated).
 */
export class SigningKeys {
  private current?: Promise<SigningKey>;
  private readonly publicKeys = new Map<string, PublicKeyRecord>();
  private reloading?: Promise<void>;
  private readonly now: () => number;

  constructor(
    private readonly knex: () => Promise<Knex>,
    private readonly options: SigningKeysOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** The key to sign with now: a new one when the current one is older than the rotation interval. */
  async signingKey(): Promise<{ kid: string; privateKey: CryptoKey }> {
    const pending = this.current;
    const key = pending ? await pending.catch(() => undefined) : undefined;
    if (key && this.now() - key.createdAt < this.options.rotationIntervalMs) return key;
    // One rotation at a time: callers that saw the same old key wait for the same new one.
    if (this.current === pending) {
      const next = this.rotate();
      next.catch(() => {
        if (this.current === next) this.current = undefined;
      });
      this.current = next;
    }
    return this.current!;
  }

  /** The public key named by `kid`, reloading the table once when it is not known here. */
  async publicKey(kid: string): Promise<CryptoKey | undefined> {
    let record = this.publicKeys.get(kid);
    if (!record) {
      await this.reload();
      record = this.publicKeys.get(kid);
    }
    if (!record || record.expiresAt <= this.now()) return undefined;
    return record.key;
  }

  /** The public keys still able to verify a token, as a JWKS. */
  async jwks(): Promise<{ keys: JWK[] }> {
    await this.reload();
    const now = this.now();
    return { keys: [...this.publicKeys.values()].filter(r => r.expiresAt > now).map(r => r.jwk) };
  }

  private async rotate(): Promise<SigningKey> {
    const kid = randomUUID();
    const { publicKey, privateKey } = await jose().generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
    const jwk: JWK = { ...(await jose().exportJWK(publicKey)), kid, alg: SIGNING_ALGORITHM, use: 'sig' };
    const createdAt = this.now();
    const expiresAt = createdAt + this.options.rotationIntervalMs + this.options.maxTokenLifetimeMs;
    const knex = await this.knex();
    await knex('signing_keys').insert({ kid, public_jwk: JSON.stringify(jwk), created_at: createdAt, expires_at: expiresAt });
    // Keys no token can still need.
    await knex('signing_keys').where('expires_at', '<', createdAt).delete();
    this.publicKeys.set(kid, { jwk, key: publicKey, expiresAt });
    return { kid, privateKey, createdAt };
  }

  private reload(): Promise<void> {
    // Concurrent requests with unknown keys share one query.
    this.reloading ??= (async () => {
      try {
        const knex = await this.knex();
        const rows = await knex('signing_keys').where('expires_at', '>', this.now()).select('kid', 'public_jwk', 'expires_at');
        for (const row of rows as Array<{ kid: string; public_jwk: string; expires_at: number | string }>) {
          if (this.publicKeys.has(row.kid)) continue;
          const jwk = JSON.parse(row.public_jwk) as JWK;
          const key = (await jose().importJWK(jwk, SIGNING_ALGORITHM)) as CryptoKey;
          this.publicKeys.set(row.kid, { jwk, key, expiresAt: Number(row.expires_at) });
        }
        const now = this.now();
        for (const [kid, record] of this.publicKeys) if (record.expiresAt <= now) this.publicKeys.delete(kid);
      } finally {
        this.reloading = undefined;
      }
    })();
    return this.reloading;
  }
}
