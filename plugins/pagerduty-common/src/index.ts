/** @portico/plugin-pagerduty-common: annotations, permissions and the shapes the PagerDuty plugin pair exchange. Isomorphic. */
import { createPermission } from '@portico/permission-common';
import { z } from 'zod';

/** The id of the PagerDuty service an entity runs as (e.g. `PX1234`); turns on the card, tab and facts. */
export const ANNOTATION_PAGERDUTY_SERVICE_ID = 'pagerduty.com/service-id';
/** The `integrations.pagerduty` account (its `id`) of the service, when it is not the default one. */
export const ANNOTATION_PAGERDUTY_ACCOUNT = 'pagerduty.com/account';
/** An Events API v2 integration key of the service; resolved to the service it belongs to. */
export const ANNOTATION_PAGERDUTY_INTEGRATION_KEY = 'pagerduty.com/integration-key';

/**
 * Set (to `true`) by the catalog beside `pagerduty.com/service-id` when that annotation comes from a mapping saved on
 * the services page rather than from the entity's own YAML (which always wins over a saved mapping).
 */
export const ANNOTATION_PAGERDUTY_SAVED_MAPPING = 'pagerduty.com/saved-mapping';

/** Every annotation that maps an entity to a PagerDuty service. */
export const PAGERDUTY_SERVICE_ANNOTATIONS = [ANNOTATION_PAGERDUTY_SERVICE_ID, ANNOTATION_PAGERDUTY_INTEGRATION_KEY] as const;

// Permissions. Reads for the card and tab are authorized as reads of the entity (the catalog decides);
// writes to PagerDuty and mapping changes name their own permission.

/** Trigger an incident on an entity's service (the card's "Trigger incident", `pagerduty:incident:create`). */
export const pagerdutyIncidentCreatePermission = createPermission({ name: 'pagerduty.incident.create', attributes: { action: 'create' } });
/** Create a PagerDuty service (`pagerduty:service:create`). */
export const pagerdutyServiceCreatePermission = createPermission({ name: 'pagerduty.service.create', attributes: { action: 'create' } });
/** List an account's PagerDuty services with their mapping state (`GET /services`). */
export const pagerdutyServicesReadPermission = createPermission({ name: 'pagerduty.services.read', attributes: { action: 'read' } });
/** Save which component an unmapped PagerDuty service belongs to. */
export const pagerdutyMappingUpdatePermission = createPermission({ name: 'pagerduty.mapping.update', attributes: { action: 'update' } });

/** Every permission of the PagerDuty plugin. */
export const pagerdutyPermissions = [pagerdutyIncidentCreatePermission, pagerdutyServiceCreatePermission, pagerdutyServicesReadPermission, pagerdutyMappingUpdatePermission];

// The shapes of /api/pagerduty: one zod schema per answer, so the backend validates what it sends and the
// frontend can parse what it receives.

/** A person, schedule or user reference as PagerDuty names it, with its web link. */
export const pagerdutyReferenceSchema = z
  .object({ id: z.string(), type: z.string(), name: z.string(), htmlUrl: z.string().nullable() })
  .meta({ id: 'PagerDutyReference' });
export type PagerDutyReference = z.infer<typeof pagerdutyReferenceSchema>;

/** The PagerDuty service of an entity. */
export const pagerdutyServiceSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    status: z.string(),
    htmlUrl: z.string(),
    account: z.string(),
  })
  .meta({ id: 'PagerDutyService' });
export type PagerDutyService = z.infer<typeof pagerdutyServiceSchema>;

/** Who is on call at one escalation level now, and until when (null: permanently, no schedule end). */
export const pagerdutyOnCallSchema = z
  .object({ user: pagerdutyReferenceSchema, email: z.string().nullable(), schedule: pagerdutyReferenceSchema.nullable(), start: z.string().nullable(), end: z.string().nullable() })
  .meta({ id: 'PagerDutyOnCall' });
export type PagerDutyOnCall = z.infer<typeof pagerdutyOnCallSchema>;

/** One level of the escalation policy with its targets and who is on call there now. */
export const pagerdutyEscalationLevelSchema = z
  .object({
    level: z.number().int(),
    escalationDelayInMinutes: z.number(),
    targets: z.array(pagerdutyReferenceSchema),
    onCall: z.array(pagerdutyOnCallSchema),
  })
  .meta({ id: 'PagerDutyEscalationLevel' });
export type PagerDutyEscalationLevel = z.infer<typeof pagerdutyEscalationLevelSchema>;

/** The escalation policy of a service, levels lowest first. */
export const pagerdutyEscalationPolicySchema = z
  .object({ id: z.string(), name: z.string(), htmlUrl: z.string(), numLoops: z.number(), levels: z.array(pagerdutyEscalationLevelSchema) })
  .meta({ id: 'PagerDutyEscalationPolicy' });
export type PagerDutyEscalationPolicy = z.infer<typeof pagerdutyEscalationPolicySchema>;

/** An incident: open (triggered or acknowledged) or, in `recentIncidents`, resolved. */
export const pagerdutyIncidentSchema = z
  .object({
    id: z.string(),
    number: z.number().int(),
    title: z.string(),
    status: z.enum(['triggered', 'acknowledged', 'resolved']),
    urgency: z.enum(['high', 'low']),
    createdAt: z.string(),
    /** Seconds since it was created, when the answer was computed. */
    ageSeconds: z.number(),
    htmlUrl: z.string(),
    assignees: z.array(pagerdutyReferenceSchema),
    /** When it was resolved (resolved incidents only). */
    resolvedAt: z.string().optional(),
  })
  .meta({ id: 'PagerDutyIncident' });
export type PagerDutyIncident = z.infer<typeof pagerdutyIncidentSchema>;

/** A change event (deploy, config change) sent to the service. */
export const pagerdutyChangeEventSchema = z
  .object({ id: z.string(), summary: z.string(), timestamp: z.string(), source: z.string().nullable(), links: z.array(z.object({ href: z.string(), text: z.string().nullable() })) })
  .meta({ id: 'PagerDutyChangeEvent' });
export type PagerDutyChangeEvent = z.infer<typeof pagerdutyChangeEventSchema>;

/** Incident metrics of the service over the last 30 days (null where PagerDuty has no value, e.g. no incident). */
export const pagerdutyAnalyticsSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    totalIncidents: z.number(),
    meanSecondsToResolve: z.number().nullable(),
    meanSecondsToFirstAck: z.number().nullable(),
    totalHighUrgencyIncidents: z.number().nullable(),
  })
  .meta({ id: 'PagerDutyAnalytics' });
export type PagerDutyAnalytics = z.infer<typeof pagerdutyAnalyticsSchema>;

/** Everything the "On call" card and the "Incidents" tab show for one entity. */
export const pagerdutyEntitySummarySchema = z
  .object({
    entityRef: z.string(),
    service: pagerdutyServiceSchema,
    escalationPolicy: pagerdutyEscalationPolicySchema.nullable(),
    /** Every triggered and acknowledged incident, however long ago it was opened, newest first (at most 200). */
    openIncidents: z.array(pagerdutyIncidentSchema),
    /** Resolved incidents among those created in the last 7 days, newest first (at most 20). */
    recentIncidents: z.array(pagerdutyIncidentSchema),
    changeEvents: z.array(pagerdutyChangeEventSchema),
    /** Null when PagerDuty refused the analytics (an account without the Analytics API); `analyticsError` says why. */
    analytics: pagerdutyAnalyticsSchema.nullable(),
    analyticsError: z.string().optional(),
  })
  .meta({ id: 'PagerDutyEntitySummary' });
export type PagerDutyEntitySummary = z.infer<typeof pagerdutyEntitySummarySchema>;

/** What the card's "Trigger incident" sends (`POST /entities/:kind/:namespace/:name/incidents`). */
export const pagerdutyTriggerIncidentRequestSchema = z
  .object({ title: z.string(), urgency: z.enum(['high', 'low']), description: z.string().optional() })
  .meta({ id: 'PagerDutyTriggerIncidentRequest' });
export type PagerDutyTriggerIncidentRequest = z.infer<typeof pagerdutyTriggerIncidentRequestSchema>;

/**
 * A triggered incident: created through the REST API (as the caller: its id, number and link), or accepted by the
 * Events API v2 (its dedup key; PagerDuty opens the incident a moment later).
 */
export const pagerdutyTriggeredIncidentSchema = z
  .discriminatedUnion('method', [
    z.object({
      method: z.literal('rest'),
      account: z.string(),
      serviceId: z.string(),
      incident: z.object({ id: z.string(), number: z.number(), title: z.string(), urgency: z.enum(['high', 'low']), htmlUrl: z.string() }),
    }),
    z.object({ method: z.literal('events'), account: z.string(), serviceId: z.string().nullable(), dedupKey: z.string() }),
  ])
  .meta({ id: 'PagerDutyTriggeredIncident' });
export type PagerDutyTriggeredIncident = z.infer<typeof pagerdutyTriggeredIncidentSchema>;

/** How a PagerDuty service is tied to an entity: by the entity's annotation, or by a choice saved in the portal. */
export const pagerdutyServiceMappingSchema = z
  .object({
    entityRef: z.string(),
    via: z.enum(['annotation', 'saved']),
    /** For `via: 'annotation'`: which one, `pagerduty.com/service-id` or `pagerduty.com/integration-key`. */
    annotation: z.string().optional(),
    mappedBy: z.string().optional(),
    mappedAt: z.string().optional(),
  })
  .meta({ id: 'PagerDutyServiceMapping' });
export type PagerDutyServiceMapping = z.infer<typeof pagerdutyServiceMappingSchema>;

/** One service of an account on the services page: mapped, or unmapped with a component of the same name to suggest. */
export const pagerdutyServiceListItemSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    htmlUrl: z.string(),
    mapping: pagerdutyServiceMappingSchema.nullable(),
    /** A component named like the service, offered for an unmapped one. */
    suggestion: z.string().nullable(),
  })
  .meta({ id: 'PagerDutyServiceListItem' });
export type PagerDutyServiceListItem = z.infer<typeof pagerdutyServiceListItemSchema>;

export const pagerdutyServiceListSchema = z
  .object({ account: z.string(), items: z.array(pagerdutyServiceListItemSchema) })
  .meta({ id: 'PagerDutyServiceList' });
export type PagerDutyServiceList = z.infer<typeof pagerdutyServiceListSchema>;

/** The entity name a service name suggests: lower case, runs of anything else than letters and digits as `-`. */
export function entityNameForService(serviceName: string): string {
  return serviceName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

// Incident events. A verified webhook (`POST /api/pagerduty/webhooks`) is published on the events service under one
// topic per event type, for any plugin to react to without knowing PagerDuty's webhook format.

/** The V3 webhook incident event types the backend processes. */
export const PAGERDUTY_INCIDENT_EVENT_TYPES = ['incident.triggered', 'incident.acknowledged', 'incident.resolved', 'incident.reassigned', 'incident.escalated'] as const;
export type PagerDutyIncidentEventType = (typeof PAGERDUTY_INCIDENT_EVENT_TYPES)[number];

/** The events topic of an incident event type: `incident.triggered` is published on `pagerduty.incident.triggered`. */
export const pagerdutyIncidentTopic = (eventType: PagerDutyIncidentEventType): string => `pagerduty.${eventType}`;

/** Every topic an incident event may be published on. */
export const PAGERDUTY_INCIDENT_TOPICS: readonly string[] = PAGERDUTY_INCIDENT_EVENT_TYPES.map(pagerdutyIncidentTopic);

/** The payload of a `pagerduty.incident.*` event. */
export interface PagerDutyIncidentEvent {
  /** PagerDuty's event id (`event.id`), unique per event; a redelivery carries the same. */
  eventId: string;
  eventType: PagerDutyIncidentEventType;
  /** When it happened in PagerDuty (`event.occurred_at`). */
  occurredAt: string;
  /** The `integrations.pagerduty` account whose webhook secret signed the delivery. */
  account: string;
  serviceId: string;
  /** The entities mapped to the service (by annotation or a saved mapping); empty when none is. */
  entityRefs: string[];
  incident: { id: string; number: number | null; title: string | null; status: string | null; urgency: string | null; htmlUrl: string | null };
}
