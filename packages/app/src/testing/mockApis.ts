import type { AlertApi, AlertMessage, ErrorApi, ErrorApiContext, JsonValue } from '@portico/frontend-plugin-api';
import { ConfigReader } from '../apis/ConfigReader';
import { Publisher } from '../apis/Publisher';
import { UrlDiscoveryApi } from '../apis/UrlDiscoveryApi';
import { mockIdentityApis } from './mockIdentityApis';

/** An AlertApi that also records what was posted, for assertions. */
export class MockAlertApi implements AlertApi {
  readonly alerts: AlertMessage[] = [];
  private readonly publisher = new Publisher<AlertMessage>();
  post(alert: AlertMessage): void {
    this.alerts.push(alert);
    this.publisher.publish(alert);
  }
  subscribe(listener: (alert: AlertMessage) => void): () => void {
    return this.publisher.subscribe(listener);
  }
}

/** An ErrorApi that records posted errors, for assertions. */
export class MockErrorApi implements ErrorApi {
  readonly errors: Array<{ error: Error; context?: ErrorApiContext }> = [];
  private readonly publisher = new Publisher<{ error: Error; context?: ErrorApiContext }>();
  post(error: Error, context?: ErrorApiContext): void {
    this.errors.push({ error, context });
    this.publisher.publish({ error, context });
  }
  subscribe(listener: (event: { error: Error; context?: ErrorApiContext }) => void): () => void {
    return this.publisher.subscribe(listener);
  }
}

/** Mock implementations of the core APIs, for tests. */
export const mockApis = {
  config: (data: { [key: string]: JsonValue } = {}) => new ConfigReader(data),
  /** Plugins at `http://localhost/api/<pluginId>`. */
  discovery: (baseUrl = 'http://localhost') => new UrlDiscoveryApi(baseUrl),
  alert: () => new MockAlertApi(),
  error: () => new MockErrorApi(),
  /** The signed-in user: the guest by default, `{ userEntityRef, ownershipEntityRefs, profile }` to be someone else. */
  identity: mockIdentityApis.identity,
  /** Every permission allowed, or as `decide(request)` answers (`'DENY'`, `{ result: 'DENY', reason }`). */
  permission: mockIdentityApis.permission,
};
