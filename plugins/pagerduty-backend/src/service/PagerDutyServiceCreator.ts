import { InputError } from '@portico/errors';
import type { PagerDutyClient } from '../integration/PagerDutyClient';
import type { PagerDutyClients } from '../integration/PagerDutyClients';
import type { PdEscalationPolicy, PdService } from './pagerdutyApiTypes';

/** An escalation policy to create with the service: levels lowest first, each with users or schedules. */
export interface NewEscalationPolicy {
  name?: string;
  numLoops?: number;
  levels: Array<{ delayMinutes: number; targets: Array<{ type: 'user' | 'schedule'; id: string }> }>;
}

export interface CreateServiceRequest {
  account?: string;
  name: string;
  description?: string;
  /** An existing policy; otherwise `escalationPolicy` is created first. */
  escalationPolicyId?: string;
  escalationPolicy?: NewEscalationPolicy;
  /** Also add an Events API v2 integration and return its key (for `pagerduty.com/integration-key`, change events). */
  createIntegrationKey?: boolean;
}

export interface CreatedService {
  account: string;
  serviceId: string;
  htmlUrl: string;
  escalationPolicyId: string;
  integrationKey?: string;
}

/** One step of a creation, run at most once per run when the caller checkpoints it (a resumed run repeats none). */
export type Once = <T extends string | Record<string, string>>(key: string, fn: () => Promise<T>) => Promise<T>;

/**
 * Creates a PagerDuty service with an escalation policy (an existing one, or one created from levels) and,
 * when asked, an Events API v2 integration: REST `POST /escalation_policies`, `POST /services`,
 * `POST /services/{id}/integrations`.
 */
export class PagerDutyServiceCreator {
  constructor(private readonly clients: PagerDutyClients) {}

  /** Refuses a request PagerDuty would refuse, before anything is created. */
  static check(request: CreateServiceRequest): void {
    if (!request.name?.trim()) throw new InputError('A PagerDuty service needs a name');
    if (request.escalationPolicyId && request.escalationPolicy) throw new InputError('Give escalationPolicyId (an existing policy) or escalationPolicy (one to create), not both');
    if (!request.escalationPolicyId && !request.escalationPolicy) {
      throw new InputError('A PagerDuty service needs an escalation policy: give escalationPolicyId, or escalationPolicy with levels of users or schedules to page');
    }
    const levels = request.escalationPolicy?.levels;
    if (levels && (levels.length === 0 || levels.some(l => l.targets.length === 0))) {
      throw new InputError('escalationPolicy needs at least one level, and every level at least one user or schedule to page');
    }
  }

  async create(request: CreateServiceRequest, once: Once = (_key, fn) => fn()): Promise<CreatedService> {
    PagerDutyServiceCreator.check(request);
    const client = this.clients.forAccount(request.account);
    const name = request.name.trim();
    const escalationPolicyId =
      request.escalationPolicyId ?? (await once(`pagerduty:escalation-policy:${client.id}:${name}`, () => this.createPolicy(client, name, request.escalationPolicy!)));
    const service = await once(`pagerduty:service:${client.id}:${name}`, async () => {
      const { service: created } = await client.post<{ service: PdService }>(
        '/services',
        {
          service: {
            type: 'service',
            name,
            ...(request.description?.trim() ? { description: request.description.trim() } : {}),
            escalation_policy: { id: escalationPolicyId, type: 'escalation_policy_reference' },
          },
        },
        { what: `the service '${name}'`, verb: 'creating' },
      );
      return { id: created.id, htmlUrl: created.html_url };
    });
    let integrationKey: string | undefined;
    if (request.createIntegrationKey) {
      integrationKey = await once(`pagerduty:integration:${client.id}:${service.id}`, async () => {
        const { integration } = await client.post<{ integration: { integration_key?: string } }>(
          `/services/${encodeURIComponent(service.id)}/integrations`,
          { integration: { type: 'events_api_v2_inbound_integration', name: 'Events API v2 (Portico)', service: { id: service.id, type: 'service_reference' } } },
          { what: `an Events API v2 integration of service ${service.id}`, verb: 'creating' },
        );
        return integration.integration_key ?? '';
      });
    }
    return { account: client.id, serviceId: service.id, htmlUrl: service.htmlUrl, escalationPolicyId, ...(integrationKey ? { integrationKey } : {}) };
  }

  private async createPolicy(client: PagerDutyClient, serviceName: string, policy: NewEscalationPolicy): Promise<string> {
    const name = policy.name?.trim() || `${serviceName} escalation`;
    const { escalation_policy: created } = await client.post<{ escalation_policy: PdEscalationPolicy }>(
      '/escalation_policies',
      {
        escalation_policy: {
          type: 'escalation_policy',
          name,
          num_loops: policy.numLoops ?? 0,
          escalation_rules: policy.levels.map(level => ({
            escalation_delay_in_minutes: level.delayMinutes,
            targets: level.targets.map(t => ({ id: t.id, type: t.type === 'user' ? 'user_reference' : 'schedule_reference' })),
          })),
        },
      },
      { what: `the escalation policy '${name}'`, verb: 'creating' },
    );
    return created.id;
  }
}
