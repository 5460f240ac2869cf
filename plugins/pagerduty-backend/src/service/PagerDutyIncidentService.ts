import { InputError } from '@portico/errors';
import type { PagerDutyClient } from '../integration/PagerDutyClient';
import type { PdIncident, PdService } from './pagerdutyApiTypes';
import type { PagerDutyEntityService, PagerDutyServiceTarget } from './PagerDutyEntityService';

/** The longest title PagerDuty takes (an Events API v2 `payload.summary` is cut at 1024 characters). */
export const MAX_INCIDENT_TITLE = 1024;

export interface TriggerIncidentRequest {
  target: PagerDutyServiceTarget;
  title: string;
  urgency: 'high' | 'low';
  description?: string;
  /** The email of a PagerDuty user: the incident is created through REST `POST /incidents` as that user. */
  from?: string;
  /** Events API v2 only: an open alert with the same key is updated instead of opening another. */
  dedupKey?: string;
  /** Events API v2 `payload.source`: what is affected (default `portico`). */
  source?: string;
  /** Added to the incident's details: the entity and who triggered it. */
  context?: Record<string, string>;
}

/** What was created: a REST incident (id, number, link), or an Events API v2 alert (its dedup key). */
export type TriggeredIncident =
  | { method: 'rest'; account: string; serviceId: string; incident: { id: string; number: number; title: string; urgency: 'high' | 'low'; htmlUrl: string } }
  | { method: 'events'; account: string; serviceId?: string; dedupKey: string };

export interface ChangeEventRequest {
  target: PagerDutyServiceTarget;
  summary: string;
  source?: string;
  timestamp?: string;
  customDetails?: Record<string, unknown>;
  links?: Array<{ href: string; text?: string }>;
}

/**
 * Writes to PagerDuty about a service: incidents (REST `POST /incidents` with a `From` user, or the Events API v2
 * with the service's integration key) and change events (Events API v2). Used by the card's route and the actions.
 */
export class PagerDutyIncidentService {
  constructor(private readonly entities: PagerDutyEntityService) {}

  /** Refuses what PagerDuty would refuse, with a message the person can act on. */
  static checkTitle(title: string | undefined): string {
    const trimmed = (title ?? '').trim();
    if (!trimmed) throw new InputError('An incident needs a title: it is what the person paged reads first');
    if (trimmed.length > MAX_INCIDENT_TITLE) throw new InputError(`An incident title has at most ${MAX_INCIDENT_TITLE} characters (this one has ${trimmed.length})`);
    return trimmed;
  }

  async trigger(request: TriggerIncidentRequest): Promise<TriggeredIncident> {
    const title = PagerDutyIncidentService.checkTitle(request.title);
    const description = request.description?.trim() || undefined;
    if (request.from) {
      const { client, serviceId } = await this.entities.resolveService(request.target);
      const what = `an incident on service ${serviceId}`;
      const { incident } = await client.post<{ incident: PdIncident }>(
        '/incidents',
        {
          incident: {
            type: 'incident',
            title,
            service: { id: serviceId, type: 'service_reference' },
            urgency: request.urgency,
            ...(description || request.context ? { body: { type: 'incident_body', details: details(description, request.context) } } : {}),
          },
        },
        { what, verb: 'creating', headers: { from: request.from } },
      );
      await this.entities.forgetService({ account: client.id, serviceId });
      return {
        method: 'rest',
        account: client.id,
        serviceId,
        incident: { id: incident.id, number: incident.incident_number, title: incident.title, urgency: incident.urgency, htmlUrl: incident.html_url },
      };
    }
    const { client, routingKey, serviceId } = await this.routingKeyOf(request.target, 'trigger an incident');
    const answer = await client.postEvent<{ status: string; dedup_key?: string; message?: string }>(
      '/v2/enqueue',
      {
        routing_key: routingKey,
        event_action: 'trigger',
        ...(request.dedupKey ? { dedup_key: request.dedupKey } : {}),
        client: 'Portico',
        payload: {
          summary: title,
          // The Events API has no urgency: a service with severity-based urgency pages high for critical and error.
          severity: request.urgency === 'high' ? 'critical' : 'warning',
          source: request.source?.trim() || 'portico',
          custom_details: { ...(description ? { description } : {}), ...request.context },
        },
      },
      { what: `an incident event for ${serviceId ? `service ${serviceId}` : 'the integration key'}`, verb: 'sending' },
    );
    if (serviceId) await this.entities.forgetService({ account: client.id, serviceId });
    return { method: 'events', account: client.id, serviceId, dedupKey: answer.dedup_key ?? request.dedupKey ?? '' };
  }

  async sendChangeEvent(request: ChangeEventRequest): Promise<{ account: string; serviceId?: string }> {
    const summary = (request.summary ?? '').trim();
    if (!summary) throw new InputError('A change event needs a summary: what changed, e.g. "Deploy payments v1.2.3"');
    if (summary.length > MAX_INCIDENT_TITLE) throw new InputError(`A change event summary has at most ${MAX_INCIDENT_TITLE} characters (this one has ${summary.length})`);
    const { client, routingKey, serviceId } = await this.routingKeyOf(request.target, 'send a change event');
    await client.postEvent(
      '/v2/change/enqueue',
      {
        routing_key: routingKey,
        payload: {
          summary,
          ...(request.source ? { source: request.source } : {}),
          ...(request.timestamp ? { timestamp: request.timestamp } : {}),
          ...(request.customDetails ? { custom_details: request.customDetails } : {}),
        },
        ...(request.links?.length ? { links: request.links.map(l => ({ href: l.href, ...(l.text ? { text: l.text } : {}) })) } : {}),
      },
      { what: `a change event for ${serviceId ? `service ${serviceId}` : 'the integration key'}`, verb: 'sending' },
    );
    if (serviceId) await this.entities.forgetService({ account: client.id, serviceId });
    return { account: client.id, serviceId };
  }

  /** The Events API v2 key to send with: the target's own, else the first integration key of its service. */
  private async routingKeyOf(target: PagerDutyServiceTarget, purpose: string): Promise<{ client: PagerDutyClient; routingKey: string; serviceId?: string }> {
    if (target.integrationKey) {
      const client = this.entities.clientOf(target);
      return { client, routingKey: target.integrationKey };
    }
    const { client, serviceId } = await this.entities.resolveService(target);
    const { service } = await client.get<{ service: PdService }>(`/services/${encodeURIComponent(serviceId)}`, { query: { 'include[]': ['integrations'] }, what: `service ${serviceId}` });
    const routingKey = (service.integrations ?? []).find(i => i.integration_key)?.integration_key;
    if (!routingKey) {
      throw new InputError(
        `PagerDuty service ${serviceId} of account '${client.id}' has no Events API v2 integration key to ${purpose} with: add an ` +
          'Events API v2 integration to the service in PagerDuty, or name its key (integrationKey); an incident can also be created through ' +
          'the REST API as a PagerDuty user (from: their email)',
      );
    }
    return { client, routingKey, serviceId };
  }
}

function details(description: string | undefined, context: Record<string, string> | undefined): string {
  const lines = Object.entries(context ?? {}).map(([k, v]) => `${k}: ${v}`);
  return [description, lines.length ? lines.join('\n') : undefined].filter(Boolean).join('\n\n');
}
