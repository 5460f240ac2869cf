import type nodemailer from 'nodemailer';
import type { NotificationChannel, OutgoingNotification } from './NotificationChannel';

export interface EmailChannelOptions {
  /** The sender, e.g. `Portico <portal@example.com>`. */
  from: string;
  smtp: { host: string; port: number; secure?: boolean; auth?: { user: string; pass: string }; ignoreTLS?: boolean };
  /** Turns portal links into absolute URLs, e.g. `https://portal.example.com`. */
  baseUrl?: string;
  /** Email addresses of recipients (user or group refs); a recipient without any is skipped. */
  resolveAddresses(recipients: string[]): Promise<Map<string, string[]>>;
}

/** Sends each notification by email over SMTP (nodemailer) to the addresses of its recipient. */
export class EmailChannel implements NotificationChannel {
  readonly id = 'email';
  private readonly transport: ReturnType<typeof nodemailer.createTransport>;

  constructor(private readonly options: EmailChannelOptions) {
    // Loaded here: a portal without email notifications never needs nodemailer (0.4 MB evaluated at start).
    const { createTransport } = require('nodemailer') as typeof nodemailer;
    this.transport = createTransport({ ...options.smtp });
  }

  async send(notifications: OutgoingNotification[]): Promise<void> {
    const addresses = await this.options.resolveAddresses([...new Set(notifications.map(n => n.recipient))]);
    for (const n of notifications) {
      const to = addresses.get(n.recipient) ?? [];
      if (to.length === 0) continue;
      const link = n.link ? `${this.options.baseUrl ?? ''}${n.link}` : undefined;
      await this.transport.sendMail({
        from: this.options.from,
        to,
        subject: n.title,
        text: `${n.body}${link ? `\n\n${link}` : ''}\n`,
      });
    }
  }

  close(): void {
    this.transport.close();
  }
}
