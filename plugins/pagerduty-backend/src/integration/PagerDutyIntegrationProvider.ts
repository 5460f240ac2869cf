import { healthOfEach, type HealthCheckResult, type IntegrationProvider } from '@portico/backend-plugin-api';
import type { PagerDutyClients } from './PagerDutyClients';

/**
 * The `pagerduty` integration provider: the configured accounts and their health. It reads no URLs.
 * It declares no `configSchema`: `integrations.pagerduty` is parsed once, by the `pagerduty.clients` service.
 */
export class PagerDutyIntegrationProvider implements IntegrationProvider {
  readonly id = 'pagerduty';

  constructor(private readonly clients: PagerDutyClients) {}

  describeTargets(): string[] {
    return this.clients.accounts.map(a => `${a.id} (${a.apiBaseUrl})`);
  }

  serves(): boolean {
    return false;
  }

  /** Key accepted, per account (`GET /abilities`, cheap and readable by every key): down when one refuses it. */
  health(): Promise<HealthCheckResult> {
    return healthOfEach({
      targets: this.clients.list(),
      keyOf: client => client.id,
      probe: async client => {
        const { abilities } = await client.get<{ abilities: string[] }>('/abilities', { what: 'the account abilities' });
        return { details: { ok: true, abilities: abilities.length } };
      },
      message: 'PagerDuty is not fully usable; see details per account',
    });
  }
}
