/** The events topic a verified GitHub webhook is published on, for any plugin to react to. */
export const GITHUB_WEBHOOK_TOPIC = 'github.webhook';

/** The payload of a `github.webhook` event. */
export interface GithubWebhookEvent {
  /** `X-GitHub-Event`, e.g. `push`, `repository`, `team`. */
  name: string;
  /** `X-GitHub-Delivery`. */
  id: string;
  /** The host the webhook came from (`X-GitHub-Enterprise-Host`, else github.com). */
  host: string;
  payload: Record<string, unknown>;
}
