import type { Request, Router } from 'express';
import { z } from 'zod';
import {
  audited,
  createRouteRegistry,
  type AuditorService,
  type AuthService,
  type Credentials,
  type HttpAuthService,
  type LoggerService,
  type PermissionsService,
} from '@portico/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@portico/catalog-model';
import { AuthenticationError, InputError, NotFoundError, ServiceUnavailableError } from '@portico/errors';
import type { CatalogApi } from '@portico/plugin-catalog-common';
import {
  pagerdutyEntitySummarySchema,
  pagerdutyIncidentCreatePermission,
  pagerdutyTriggeredIncidentSchema,
  pagerdutyMappingUpdatePermission,
  pagerdutyServiceListSchema,
  pagerdutyServicesReadPermission,
} from '@portico/plugin-pagerduty-common';
import type { ServiceMappingStore } from './database/ServiceMappingStore';
import type { WebhookEventStore } from '@portico/backend-plugin-api';
import type { PagerDutyAccountConfig } from './integration/config';
import { annotatedServiceTarget, noServiceError, type PagerDutyEntityService } from './service/PagerDutyEntityService';
import { MAX_INCIDENT_TITLE, PagerDutyIncidentService } from './service/PagerDutyIncidentService';
import type { PagerDutyMappingService } from './service/PagerDutyMappingService';
import { isIncidentEventType, webhookPayloadSchema, type createIncidentWebhookHandler } from './webhooks/incidentWebhook';
import { signingAccount } from './webhooks/webhookSignature';

const name = z.string().min(1).max(253).regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, ., _ and - only');
const entityParams = z.object({ kind: name, namespace: name, name });
const serviceParams = z.object({ account: name, serviceId: z.string().regex(/^[A-Za-z0-9]{1,64}$/, 'a PagerDuty id: letters and digits only') });
const entityRefSchema = z.string().max(800).regex(/^[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'an entity ref kind:namespace/name');
const savedMapping = z
  .object({ account: z.string(), serviceId: z.string(), entityRef: z.string(), mappedBy: z.string(), mappedAt: z.string() })
  .meta({ id: 'PagerDutySavedMapping' });
const webhookReceipt = z
  .object({
    received: z.literal(true),
    id: z.string(),
    eventType: z.string(),
    duplicate: z.literal(true).optional(),
    ignored: z.literal(true).optional(),
    entityRefs: z.array(z.string()).optional(),
  })
  .meta({ id: 'PagerDutyWebhookReceipt' });

type WithRawBody = Request & { rawBody?: Buffer };

/** Routes under /api/pagerduty: what the card and tab show for an entity, and the services page's mapping. */
export function createRouter(options: {
  service: PagerDutyEntityService;
  mappings: PagerDutyMappingService;
  /** Triggers incidents; without it the trigger route answers 503. */
  incidents?: PagerDutyIncidentService;
  store: ServiceMappingStore;
  catalog: CatalogApi;
  auth: AuthService;
  logger: LoggerService;
  httpAuth?: HttpAuthService;
  permissions?: PermissionsService;
  auditor?: AuditorService;
  /** V3 webhooks: the accounts (their `webhookSecrets`), the events processed recently, and what an incident event does. */
  webhooks?: { accounts: readonly PagerDutyAccountConfig[]; events: WebhookEventStore; handleIncident: ReturnType<typeof createIncidentWebhookHandler> };
}): Router {
  const { service, mappings, store, catalog, auth, webhooks } = options;
  const routes = createRouteRegistry({
    pluginId: 'pagerduty',
    title: 'Portico PagerDuty',
    description: 'On-call, escalation policy, open incidents, change events and 30-day analytics of the PagerDuty service of an entity, and the mapping of services to entities.',
    httpAuth: options.httpAuth,
    permissions: options.permissions,
    auditor: options.auditor,
  });

  const catalogToken = async (credentials: Credentials) => (await auth.getPluginRequestToken({ onBehalfOf: credentials, targetPluginId: 'catalog' })).token;

  /** The entity as the caller may see it: read from the catalog on their behalf, so its read permission decides. */
  async function entityFor(credentials: Credentials, params: z.output<typeof entityParams>): Promise<{ entity: Entity; entityRef: string }> {
    const entityRef = stringifyEntityRef({ kind: params.kind, namespace: params.namespace, name: params.name }).toLowerCase();
    const entity = await catalog.getEntityByRef(entityRef, { token: await catalogToken(credentials) });
    if (!entity) throw new NotFoundError(`No entity ${entityRef} in the catalog`);
    return { entity, entityRef };
  }

  routes.route(
    {
      method: 'get',
      path: '/entities/:kind/:namespace/:name/summary',
      summary: 'On-call and incidents of an entity',
      description:
        'The PagerDuty service named by the entity\'s pagerduty.com/service-id (or pagerduty.com/integration-key) annotation, or saved for it ' +
        'on the services page: its escalation policy with levels and targets, who is on call at each level now and until when, open ' +
        '(triggered and acknowledged) incidents, change events of the last 7 days and 30-day analytics. Cached (60 s for on-call and ' +
        'incidents, 1 h for analytics by default). Read as the caller: an entity they may not read is a 404.',
      params: entityParams,
      response: { description: 'What the card and tab show', schema: pagerdutyEntitySummarySchema },
      errors: {
        403: 'The PagerDuty key has no access to the service',
        404: 'No such entity, no PagerDuty annotation, unknown account, or no such PagerDuty service',
        503: 'PagerDuty is unreachable, slow, rate-limiting, or refused the key',
      },
    },
    async ({ params, credentials }) => {
      const { entity, entityRef } = await entityFor(credentials, params);
      const target = await targetFor(entity, entityRef);
      return service.getSummary({ entityRef, target });
    },
  );

  /** The service of an entity: its annotations, else the mapping saved on the services page. */
  async function targetFor(entity: Entity, entityRef: string) {
    const target = annotatedServiceTarget(entity, entityRef);
    if (target) return target;
    const saved = await store.forEntity(entityRef);
    if (!saved) throw noServiceError(entityRef);
    return { account: saved.account, serviceId: saved.serviceId };
  }

  /** The caller's email in the catalog (their User entity's profile), to create an incident as them. */
  async function emailOf(credentials: Credentials): Promise<string | undefined> {
    if (credentials.principal.type !== 'user') return undefined;
    const user = await catalog.getEntityByRef(credentials.principal.userEntityRef, { token: await catalogToken(credentials) }).catch(() => undefined);
    const email = (user?.spec as { profile?: { email?: unknown } } | undefined)?.profile?.email;
    return typeof email === 'string' && /^[^@\s]+@[^@\s]+$/.test(email) ? email : undefined;
  }

  routes.route(
    {
      method: 'post',
      path: '/entities/:kind/:namespace/:name/incidents',
      summary: 'Trigger an incident on an entity\'s service',
      description:
        'Pages the on-call of the entity\'s PagerDuty service. When the entity names a pagerduty.com/integration-key, or the caller has no ' +
        'email in the catalog (their User entity\'s spec.profile.email), through the Events API v2 with the integration key (urgency as ' +
        'severity: high is critical, low is warning); otherwise through REST POST /incidents as the caller (From: their email), which ' +
        'answers the incident with its link. A blank title is refused. Audited.',
      params: entityParams,
      body: z
        .object({
          title: z.string().max(MAX_INCIDENT_TITLE),
          urgency: z.enum(['high', 'low']).default('high'),
          description: z.string().max(10_000).optional(),
        })
        .strict(),
      permission: pagerdutyIncidentCreatePermission,
      response: { status: 201, description: 'The incident (REST) or the accepted event (Events API v2)', schema: pagerdutyTriggeredIncidentSchema },
      errors: {
        400: 'A blank title, or PagerDuty refused the incident (its reason is given)',
        403: 'The caller may not trigger incidents, or the PagerDuty key may not create them',
        404: 'No such entity, no PagerDuty annotation, unknown account, or no such PagerDuty service',
        503: 'PagerDuty is unreachable, slow, rate-limiting, or refused the key',
      },
    },
    async ({ params, body, credentials, req }) => {
      if (!options.incidents) {
        throw new ServiceUnavailableError('Triggering incidents is not set up on this portal', undefined, { expose: true });
      }
      const incidents = options.incidents;
      const { entity, entityRef } = await entityFor(credentials, params);
      const target = await targetFor(entity, entityRef);
      // Refused before anything is sent, whoever calls.
      const title = PagerDutyIncidentService.checkTitle(body.title);
      const from = target.integrationKey ? undefined : await emailOf(credentials);
      const triggeredBy = credentials.principal.type === 'user' ? credentials.principal.userEntityRef : credentials.principal.type === 'service' ? credentials.principal.subject : 'unknown';
      return audited(
          options.auditor,
          { action: 'pagerduty.incident.create', resourceRef: entityRef, request: req, meta: { account: target.account ?? null, serviceId: target.serviceId ?? null, urgency: body.urgency } },
          async () => {
            const triggered = await incidents.trigger({ target, title, urgency: body.urgency, description: body.description, from, context: { entity: entityRef, 'triggered by': triggeredBy } });
            return triggered.method === 'rest'
              ? { method: 'rest' as const, account: triggered.account, serviceId: triggered.serviceId, incident: triggered.incident }
              : { method: 'events' as const, account: triggered.account, serviceId: triggered.serviceId ?? null, dedupKey: triggered.dedupKey };
          },
        );
    },
  );

  routes.route(
    {
      method: 'get',
      path: '/services',
      summary: 'An account\'s services and the entity each belongs to',
      description:
        'Every service of the account with its mapping (by annotation, or saved here) and, for an unmapped one, a component of the same ' +
        'name to suggest. The service list is cached for the analytics TTL; the catalog is read as the caller.',
      query: z.object({ account: name.optional() }),
      permission: pagerdutyServicesReadPermission,
      response: { description: 'The services', schema: pagerdutyServiceListSchema },
      errors: { 404: 'No such account', 503: 'PagerDuty is unreachable, slow, rate-limiting, or refused the key' },
    },
    async ({ query, credentials }) => {
      return mappings.listServices({ account: query.account, token: await catalogToken(credentials) });
    },
  );

  routes.route(
    {
      method: 'get',
      path: '/mappings',
      summary: 'Every saved mapping',
      description:
        'The mappings saved on the services page, of every account, oldest service id first. The catalog module reads them (as a ' +
        'service) to add pagerduty.com/service-id to the mapped entities.',
      permission: pagerdutyServicesReadPermission,
      response: { description: 'The saved mappings', schema: z.object({ items: z.array(savedMapping) }) },
    },
    async () => ({ items: await mappings.listSaved() }),
  );

  routes.route(
    {
      method: 'put',
      path: '/services/:account/:serviceId/mapping',
      summary: 'Save the entity a service belongs to',
      description:
        'Maps an unmapped PagerDuty service to an entity (usually a component) and asks the catalog to refresh it: within seconds the ' +
        'entity carries pagerduty.com/service-id (and pagerduty.com/account for another account) unless its own YAML names a service, so ' +
        'its card, tab and facts show the service. Replaces an earlier choice.',
      params: serviceParams,
      body: z.object({ entityRef: entityRefSchema }).strict(),
      permission: pagerdutyMappingUpdatePermission,
      response: { description: 'The saved mapping', schema: savedMapping },
      errors: { 404: 'No such account, PagerDuty service or entity', 503: 'PagerDuty is unreachable, slow, rate-limiting, or refused the key' },
    },
    async ({ params, body, credentials, req }) => {
      const mappedBy = credentials.principal.type === 'user' ? credentials.principal.userEntityRef : credentials.principal.type === 'service' ? credentials.principal.subject : 'unknown';
      const resourceRef = `${params.account}/${params.serviceId}`;
      return audited(options.auditor, { action: 'pagerduty.mapping.update', resourceRef, request: req, meta: { entityRef: body.entityRef } }, async () =>
        mappings.saveMapping({ ...params, entityRef: body.entityRef, mappedBy, token: await catalogToken(credentials) }),
      );
    },
  );

  routes.route(
    {
      method: 'delete',
      path: '/services/:account/:serviceId/mapping',
      summary: 'Forget the entity saved for a service',
      description: 'The service is unmapped again: the catalog refreshes the entity, and the annotation the mapping added goes (an annotation in its own YAML still maps it).',
      params: serviceParams,
      permission: pagerdutyMappingUpdatePermission,
      response: { status: 204, description: 'Forgotten' },
      errors: { 404: 'No saved mapping for the service' },
    },
    async ({ params, req }) => {
      await audited(options.auditor, { action: 'pagerduty.mapping.delete', resourceRef: `${params.account}/${params.serviceId}`, request: req }, () => mappings.removeMapping(params));
      return undefined;
    },
  );

  routes.route(
    {
      method: 'post',
      path: '/webhooks',
      summary: 'Receive a PagerDuty V3 webhook',
      description:
        'Checks the X-PagerDuty-Signature header (v1=<HMAC-SHA256 of the body>, several during a secret rotation) against every ' +
        'configured webhookSecrets entry; answers an event seen before (same event id) with 200 without processing it again. ' +
        'incident.triggered, .acknowledged, .resolved, .reassigned and .escalated refresh the service\'s cached on-call and incidents, ' +
        'and are published on the events service as pagerduty.incident.<type> with the entities mapped to the service; other ' +
        'event types are acknowledged and ignored. Each delivery is audited, never its body.',
      // PagerDuty cannot sign in: the X-PagerDuty-Signature HMAC authenticates a delivery instead.
      auth: 'unauthenticated',
      response: { status: 202, description: 'Received (200 with `duplicate: true` for an event seen before)', schema: webhookReceipt },
      errors: { 400: 'Not a JSON object with an event', 401: 'Missing or wrong signature', 503: 'A signed delivery, but no webhook secret is configured' },
    },
    async ({ req, res }) => {
      const signature = req.header('x-pagerduty-signature');
      // Unsigned is unauthenticated, whatever the configuration.
      if (!signature) throw new AuthenticationError('Missing X-PagerDuty-Signature header');
      const accounts = webhooks?.accounts.filter(a => a.webhookSecrets.length > 0) ?? [];
      if (!webhooks || accounts.length === 0) {
        // whoever sets up the subscription needs to read this, so the host shows the message (expose)
        throw new ServiceUnavailableError('PagerDuty webhooks are not configured: set webhookSecrets of an account in integrations.pagerduty', undefined, { expose: true });
      }
      // The bytes the host's JSON parser kept; another content type leaves none, and no signature matches.
      const raw = (req as WithRawBody).rawBody ?? Buffer.alloc(0);
      const account = signingAccount(accounts, raw, signature);
      if (!account) throw new AuthenticationError('The X-PagerDuty-Signature signature does not match the payload under any configured webhook secret');
      const parsed = webhookPayloadSchema.safeParse(req.body);
      if (!parsed.success) throw new InputError('The webhook payload must be a JSON object { event: { id, event_type, data } } sent as application/json');
      const { event } = parsed.data;
      const meta = { account: account.id, eventType: event.event_type };
      if (!(await webhooks.events.claim(event.id))) {
        options.logger.info(`PagerDuty webhook ${event.event_type} ${event.id} was already received; not processed again`);
        await audited(options.auditor, { action: 'pagerduty.webhook.receive', resourceRef: event.id, request: req, meta: { ...meta, duplicate: true } }, async () => undefined);
        res.status(200).json({ received: true, duplicate: true, id: event.id, eventType: event.event_type });
        return undefined;
      }
      // Each delivery is recorded (account, event type, event id), never its body.
      return audited(options.auditor, { action: 'pagerduty.webhook.receive', resourceRef: event.id, request: req, meta }, async () => {
        const eventType = event.event_type;
        if (!isIncidentEventType(eventType)) return { received: true as const, ignored: true as const, id: event.id, eventType };
        try {
          const handled = await webhooks.handleIncident(account.id, { ...event, event_type: eventType });
          if (!handled) return { received: true as const, ignored: true as const, id: event.id, eventType };
          return { received: true as const, id: event.id, eventType, entityRefs: handled.entityRefs };
        } catch (error) {
          // PagerDuty retries with the same event id: that one must be processed.
          await webhooks.events.release(event.id);
          throw error;
        }
      });
    },
  );

  return routes.router;
}
