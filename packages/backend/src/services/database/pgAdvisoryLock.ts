import type { ClientConfig } from 'pg';

/** The first key of every advisory lock the host takes; the second is a hash of what is locked. */
const PORTICO_LOCK_CLASS = 0x706f7274; // 'port'

/** A `backend.database.connection` value as `pg.Client` takes it. */
export function pgClientConfig(connection: unknown): ClientConfig {
  if (typeof connection === 'string') return { connectionString: connection };
  return { ...(connection as ClientConfig) };
}

/**
 * Runs `fn` holding the PostgreSQL session advisory lock named `name`, on a connection of its own (not one
 * of the pool's, which `fn` may need all of). Instances wait for each other; the lock lives exactly as long
 * as that connection, so a holder killed with -9 frees it when PostgreSQL sees the socket close.
 */
export async function withPgAdvisoryLock<T>(connection: unknown, name: string, fn: () => Promise<T>): Promise<T> {
  const { Client } = require('pg') as typeof import('pg');
  const client = new Client(pgClientConfig(connection));
  // An error on the idle lock connection (PostgreSQL restarted) surfaces as fn's own failure, not a crash.
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [PORTICO_LOCK_CLASS, name]);
    return await fn();
  } finally {
    // Closing the session frees the lock; no unlock call that a broken connection could fail.
    await client.end().catch(() => undefined);
  }
}
