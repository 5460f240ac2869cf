import type { HealthCheckResult, IntegrationProvider } from '@portico/backend-plugin-api';
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
  async health(): Promise<HealthCheckResult> {
    const details: Record<string, unknown> = {};
    let status: HealthCheckResult['status'] = 'ok';
    await Promise.all(
      this.clients.list().map(async client => {
        try {
          await client.myself();
          details[client.host] = { ok: true, kind: client.kind };
        } catch (error) {
          status = 'down';
          details[client.host] = { error: (error as Error).message };
        }
      }),
    );
    return { status, details, ...(status === 'ok' ? {} : { message: 'Jira is not fully usable; see details per site' }) };
  }
}
