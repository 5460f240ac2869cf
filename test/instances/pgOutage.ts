import knexFactory, { type Knex } from 'knex';
import { createTestDatabase, testPgUrl } from '@portico/test-utils';
import { TcpProxy } from './tcpProxy';

/**
 * A fresh PostgreSQL test database that an instance reaches through a TcpProxy, and an admin session outside it, so a
 * test can cut the database as a failover does and bring it back. `connection` is the instance's (through the proxy).
 */
export class PgOutage {
  private constructor(
    readonly db: Awaited<ReturnType<typeof createTestDatabase>>,
    readonly admin: Knex,
    readonly proxy: TcpProxy,
    /** The database's name. */
    readonly name: string,
  ) {}

  static async create(): Promise<PgOutage> {
    const db = await createTestDatabase('pg');
    const pg = new URL(testPgUrl());
    const proxy = new TcpProxy({ host: pg.hostname, port: Number(pg.port || 5432) });
    await proxy.open();
    const admin = knexFactory({ client: 'pg', connection: testPgUrl(), pool: { min: 0, max: 1 } });
    return new PgOutage(db, admin, proxy, new URL(db.config.connection).pathname.slice(1));
  }

  /** The database's URL through the proxy. */
  get connection(): string {
    const viaProxy = new URL(this.db.config.connection);
    viaProxy.host = `127.0.0.1:${this.proxy.port}`;
    return viaProxy.toString();
  }

  /** The cut: the proxy's port closes, new sessions are refused, every session but the admin's is terminated (how many). */
  async cut(): Promise<number> {
    await this.proxy.close();
    await this.admin.raw('ALTER DATABASE ?? ALLOW_CONNECTIONS false', [this.name]);
    const { rows } = await this.admin.raw('SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()', [this.name]);
    return (rows as Array<{ terminated: boolean }>).filter(r => r.terminated).length;
  }

  /** The database back: sessions allowed again, the proxy's port open. */
  async restore(): Promise<void> {
    await this.admin.raw('ALTER DATABASE ?? ALLOW_CONNECTIONS true', [this.name]);
    await this.proxy.open();
  }

  /** For afterAll: the database usable again, then dropped; every connection closed. */
  async destroy(): Promise<void> {
    await this.proxy.close();
    await this.admin.raw('ALTER DATABASE ?? ALLOW_CONNECTIONS true', [this.name]).catch(() => undefined);
    await this.admin.destroy();
    await this.db.destroy();
  }
}
