import { createApiRef } from '../system/ApiRef';

/** Context for a posted error; `hidden` errors are recorded but not shown. */
export interface ErrorApiContext {
  hidden?: boolean;
}

/** Reports errors that a plugin cannot show itself; the app shows them to the user. */
export interface ErrorApi {
  post(error: Error, context?: ErrorApiContext): void;
  /** Listen for posted errors; returns the unsubscribe function. */
  subscribe(listener: (event: { error: Error; context?: ErrorApiContext }) => void): () => void;
}

export const errorApiRef = createApiRef<ErrorApi>({ id: 'core.error' });
