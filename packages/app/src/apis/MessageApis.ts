import type { AlertApi, AlertMessage, ErrorApi, ErrorApiContext } from '@portico/frontend-plugin-api';
import { Publisher } from './Publisher';

/** ErrorApi that forwards posted errors to subscribers (the app shows them). */
export class ErrorApiForwarder implements ErrorApi {
  private readonly publisher = new Publisher<{ error: Error; context?: ErrorApiContext }>();

  post(error: Error, context?: ErrorApiContext): void {
    this.publisher.publish({ error, context });
  }

  subscribe(listener: (event: { error: Error; context?: ErrorApiContext }) => void): () => void {
    return this.publisher.subscribe(listener);
  }
}

/** AlertApi that forwards posted alerts to subscribers (the app shows them). */
export class AlertApiForwarder implements AlertApi {
  private readonly publisher = new Publisher<AlertMessage>();

  post(alert: AlertMessage): void {
    this.publisher.publish(alert);
  }

  subscribe(listener: (alert: AlertMessage) => void): () => void {
    return this.publisher.subscribe(listener);
  }
}
