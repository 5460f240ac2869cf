import { createApiRef } from '../system/ApiRef';

/** A message for the user, e.g. "Location registered". */
export interface AlertMessage {
  message: string;
  severity?: 'success' | 'info' | 'warning' | 'error';
  /** `transient` alerts disappear after a few seconds. Default: `permanent`. */
  display?: 'permanent' | 'transient';
}

/** Posts alerts that the app shows (a snackbar in the default shell). */
export interface AlertApi {
  post(alert: AlertMessage): void;
  /** Listen for alerts; returns the unsubscribe function. */
  subscribe(listener: (alert: AlertMessage) => void): () => void;
}

export const alertApiRef = createApiRef<AlertApi>({ id: 'core.alert' });
