import type { Client } from 'pg';
import type { LoggerService } from '@portico/backend-plugin-api';
import { pgClientConfig } from '../database/pgAdvisoryLock';

export interface PgNotificationListenerOptions {
  /** `backend.database.connection`. */
  connection: unknown;
  channel: string;
  /** A notification arrived on the channel. */
  onNotification(): void;
  /** The LISTEN is (re)established: anything announced while it was down must be read from the table. */
  onListening(): void;
  logger?: LoggerService;
  /** First reconnect delay; doubled per failed attempt up to `maxBackoffMs`. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * One dedicated PostgreSQL connection that LISTENs on a channel (a pooled connection would drop the
 * LISTEN when returned), reconnecting with exponential backoff when PostgreSQL restarts or the
 * connection is terminated.
 */
export class PgNotificationListener {
  private client?: Client;
  private stopped = false;
  private wakeSleep?: () => void;
  private loop?: Promise<void>;

  constructor(private readonly options: PgNotificationListenerOptions) {}

  start(): void {
    this.loop ??= this.run();
  }

  private async run(): Promise<void> {
    const { Client: PgClient } = require('pg') as typeof import('pg');
    const { channel, logger } = this.options;
    const minBackoff = this.options.minBackoffMs ?? 250;
    const maxBackoff = this.options.maxBackoffMs ?? 10_000;
    let attempt = 0;
    while (!this.stopped) {
      const client = new PgClient({ ...pgClientConfig(this.options.connection), keepAlive: true });
      const lost = new Promise<Error | undefined>(resolve => {
        client.on('error', error => resolve(error));
        client.on('end', () => resolve(undefined));
      });
      try {
        await client.connect();
        client.on('notification', message => {
          if (message.channel === channel) this.options.onNotification();
        });
        await client.query(`LISTEN ${client.escapeIdentifier(channel)}`);
        // stop() during the connect found no client to end: nothing would ever end this one
        if (this.stopped) return;
        this.client = client;
        if (attempt > 0) logger?.info(`Listening for events again on '${channel}'`);
        attempt = 0;
        this.options.onListening();
        const error = await lost;
        if (!this.stopped) logger?.warn(`The events listener lost its connection: ${error?.message ?? 'closed'}; reconnecting`);
      } catch (error) {
        if (!this.stopped && attempt === 0) {
          logger?.warn(`The events listener cannot connect: ${(error as Error)?.message ?? error}; retrying with backoff`);
        }
      } finally {
        this.client = undefined;
        await client.end().catch(() => undefined);
      }
      if (this.stopped) return;
      await this.sleep(Math.min(maxBackoff, minBackoff * 2 ** attempt));
      attempt = Math.min(attempt + 1, 16);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise(resolve => {
      const timer = setTimeout(done, ms);
      timer.unref?.();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeSleep = done;
    });
  }

  /** Closes the connection and ends the reconnect loop. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeSleep?.();
    await this.client?.end().catch(() => undefined);
    await this.loop;
  }
}
