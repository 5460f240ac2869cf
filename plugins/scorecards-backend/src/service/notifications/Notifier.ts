import type { LoggerService } from '@portico/backend-plugin-api';
import type { NotificationChannel, OutgoingNotification } from './NotificationChannel';

/** Sends notifications through every configured channel; one failing channel does not stop the others. */
export class Notifier {
  constructor(private readonly channels: NotificationChannel[], private readonly logger: LoggerService) {}

  async notify(notifications: OutgoingNotification[]): Promise<void> {
    if (notifications.length === 0) return;
    await Promise.all(
      this.channels.map(async channel => {
        try {
          await channel.send(notifications);
        } catch (error) {
          this.logger.warn(`Notification channel ${channel.id} failed`, error instanceof Error ? error : { error: String(error) });
        }
      }),
    );
  }
}
