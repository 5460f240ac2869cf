import type { NotificationKind } from '@portico/plugin-scorecards-common';

/** A notification about to be sent to one recipient (a user or group ref). */
export interface OutgoingNotification {
  recipient: string;
  kind: NotificationKind;
  title: string;
  body: string;
  /** A path in the portal, e.g. `/scorecards/default/production-readiness`. */
  link?: string;
}

/** Somewhere notifications go: the in-portal list, a Slack webhook, email. */
export interface NotificationChannel {
  id: string;
  send(notifications: OutgoingNotification[]): Promise<void>;
}
