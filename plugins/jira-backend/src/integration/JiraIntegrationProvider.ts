import { healthOfEach, type HealthCheckResult, type IntegrationProvider } from '@portico/backend-plugin-api';
import type { JiraClients } from './JiraClients';

/**
 * The `jira` integration provider: the configured sites and their health. It reads no URLs.
 * It declares no `configSchema`: `integrations.jira` is parsed once, by the `jira.clients` service.
 */
export class JiraIntegrationProvider implements IntegrationProvider {
  readonly id = 'jira';

  constructor(private readonly clients: JiraClients) {}

  describeTargets(): string[] {
    return this.clients.sites.map(s => `${s.host} (${s.kind})`);
  }

  serves(): boolean {
    return false;
  }

  /** Credentials accepted, per site (`GET /myself`): down when one refuses them or does not answer. */
  health(): Promise<HealthCheckResult> {
    return healthOfEach({
      targets: this.clients.list(),
      keyOf: client => client.host,
      probe: async client => {
        await client.myself();
        return { details: { ok: true, kind: client.kind } };
      },
      message: 'Jira is not fully usable; see details per site',
    });
  }
}
