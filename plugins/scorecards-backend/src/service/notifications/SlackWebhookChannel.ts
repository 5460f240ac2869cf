import type { NotificationChannel, OutgoingNotification } from './NotificationChannel';

export interface SlackWebhookChannelOptions {
  /** A Slack incoming-webhook URL. */
  webhookUrl: string;
  /** Turns portal links into absolute URLs, e.g. `https://portal.example.com`. */
  baseUrl?: string;
  fetchImpl?: typeof fetch;
}

/** Posts each notification as a Slack message (incoming webhook payload: `text` plus blocks). */
export class SlackWebhookChannel implements NotificationChannel {
  readonly id = 'slack';
  constructor(private readonly options: SlackWebhookChannelOptions) {}

  async send(notifications: OutgoingNotification[]): Promise<void> {
    const doFetch = this.options.fetchImpl ?? fetch;
    for (const n of notifications) {
      const link = n.link ? `${this.options.baseUrl ?? ''}${n.link}` : undefined;
      const text = `*${n.title}*\n${n.body}${link ? `\n<${link}|Open in the portal>` : ''}`;
      const response = await doFetch(this.options.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          text: `${n.title}: ${n.body}`,
          blocks: [
            { type: 'section', text: { type: 'mrkdwn', text } },
            { type: 'context', elements: [{ type: 'mrkdwn', text: `To ${n.recipient} · ${n.kind}` }] },
          ],
        }),
      });
      if (!response.ok) throw new Error(`Slack webhook answered ${response.status}: ${await response.text()}`);
    }
  }
}
