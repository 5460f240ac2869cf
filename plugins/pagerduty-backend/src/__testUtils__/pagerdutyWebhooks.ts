import { createHmac, randomUUID } from 'node:crypto';
import type { FakeIncident } from './FakePagerDuty';

/**
 * `X-PagerDuty-Signature` as PagerDuty's V3 webhooks documentation describes it: `v1=` and the hex HMAC-SHA256 of
 * the raw body under the subscription's secret, one per secret, comma-separated while a secret is rotated.
 */
export function signWebhook(body: string | Buffer, ...secrets: string[]): string {
  return secrets.map(secret => `v1=${createHmac('sha256', secret).update(body).digest('hex')}`).join(',');
}

/** A V3 webhook payload of an incident event, shaped like the examples of PagerDuty's webhooks documentation. */
export function incidentWebhookPayload(eventType: string, incident: FakeIncident, options: { eventId?: string; serviceName?: string } = {}) {
  return {
    event: {
      id: options.eventId ?? randomUUID(),
      event_type: eventType,
      resource_type: 'incident',
      occurred_at: new Date().toISOString(),
      agent: { html_url: 'https://acme.pagerduty.com/users/PLH1HKV', id: 'PLH1HKV', self: 'https://api.pagerduty.com/users/PLH1HKV', summary: 'Tenex Engineer', type: 'user_reference' },
      client: null,
      data: {
        id: incident.id,
        type: 'incident',
        self: `https://api.pagerduty.com/incidents/${incident.id}`,
        html_url: `https://acme.pagerduty.com/incidents/${incident.id}`,
        number: incident.number,
        status: incident.status,
        incident_key: `key-${incident.id}`,
        created_at: incident.createdAt,
        title: incident.title,
        service: {
          html_url: `https://acme.pagerduty.com/services/${incident.serviceId}`,
          id: incident.serviceId,
          self: `https://api.pagerduty.com/services/${incident.serviceId}`,
          summary: options.serviceName ?? incident.serviceId,
          type: 'service_reference',
        },
        assignees: [],
        escalation_policy: null,
        teams: [],
        priority: null,
        urgency: incident.urgency,
        conference_bridge: null,
        resolve_reason: null,
      },
    },
  };
}
