import type { NotificationStore } from '../../database/NotificationStore';
import type { NotificationChannel, OutgoingNotification } from './NotificationChannel';

/** Stores notifications in the per-user and per-group list the portal shows. */
export class InPortalChannel implements NotificationChannel {
  readonly id = 'in-portal';
  constructor(private readonly store: NotificationStore, private readonly now: () => Date = () => new Date()) {}

  async send(notifications: OutgoingNotification[]): Promise<void> {
    await this.store.add(notifications, this.now().getTime());
  }
}
