import type { ClientConfig } from 'pg';
import { ConfigError } from '@portico/errors';
import type { LoggerService } from '@portico/backend-plugin-api';
import { pgClientConfig } from './pgAdvisoryLock';

/** Where `backend.database.connection` points: enough to name it in a message and in a createdb command. */
function describeTarget(connection: unknown): { database: string; host: string; port: string; user?: string } {
  if (typeof connection === 'string') {
    const url = new URL(connection);
    return {
      database: decodeURIComponent(url.pathname.slice(1)) || decodeURIComponent(url.username) || 'postgres',
      host: url.hostname || 'localhost',
      port: url.port || '5432',
      user: url.username ? decodeURIComponent(url.username) : undefined,
    };
  }
  const c = (connection ?? {}) as { database?: string; host?: string; port?: number | string; user?: string; connectionString?: string };
  if (c.connectionString) return describeTarget(c.connectionString);
  return { database: c.database ?? c.user ?? 'postgres', host: c.host ?? 'localhost', port: String(c.port ?? 5432), user: c.user };
}

/** The same server and credentials, on the maintenance database `postgres`. */
function maintenanceConfig(connection: unknown): ClientConfig {
  if (typeof connection === 'string') {
    const url = new URL(connection);
    url.pathname = '/postgres';
    return { connectionString: url.toString() };
  }
  const config = pgClientConfig(connection);
  if (config.connectionString) return maintenanceConfig(config.connectionString);
  return { ...config, database: 'postgres' };
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Checks once, before any plugin opens its schema, that the database named in `backend.database.connection`
 * exists. A missing one is created when `create` (`backend.database.ensureExists`) is on; otherwise the start
 * stops with one message saying what is wrong and what to do. Other connection problems are left to the
 * pools, which report them as they always did.
 */
export async function ensurePgDatabase(connection: unknown, options: { create: boolean; logger?: LoggerService }): Promise<void> {
  const { Client } = require('pg') as typeof import('pg');
  const probe = new Client(pgClientConfig(connection));
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return;
  } catch (error) {
    if ((error as { code?: string }).code !== '3D000') return; // invalid_catalog_name: no such database
  } finally {
    await probe.end().catch(() => undefined);
  }
  const target = describeTarget(connection);
  const createdb = `createdb -h ${target.host} -p ${target.port}${target.user ? ` -U ${target.user}` : ''} ${target.database}`;
  if (!options.create) {
    throw new ConfigError(
      `The PostgreSQL database '${target.database}' named in backend.database.connection does not exist on ${target.host}:${target.port}. ` +
        `Create it (\`${createdb}\`), or set backend.database.ensureExists: true to let the portal create it (the role needs CREATEDB).`,
    );
  }
  const admin = new Client(maintenanceConfig(connection));
  admin.on('error', () => undefined);
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${quoteIdent(target.database)}`);
    options.logger?.info(`Created the PostgreSQL database '${target.database}' (backend.database.ensureExists: true)`);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === '42P04') return; // another instance created it first
    throw new ConfigError(
      `The PostgreSQL database '${target.database}' named in backend.database.connection does not exist on ${target.host}:${target.port}, ` +
        `and backend.database.ensureExists could not create it: ${(error as Error).message}. Create it (\`${createdb}\`) with a role that may.`,
    );
  } finally {
    await admin.end().catch(() => undefined);
  }
}
