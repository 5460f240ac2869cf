import { createHash } from 'node:crypto';
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
import { parseEntityRef, stringifyEntityRef } from '@portico/catalog-model';
import { AuthenticationError, InputError, NotFoundError, ServiceUnavailableError } from '@portico/errors';
import type { CatalogApi } from '@portico/plugin-catalog-common';
import { jiraEntityQuerySchema, jiraEntitySummarySchema } from '@portico/plugin-jira-common';
import type { WebhookEventStore } from '@portico/backend-plugin-api';
import type { JiraSiteConfig } from './integration/config';
import { JiraAnnotationError } from './jql';
import { parseFilters, type JiraEntityService } from './service/JiraEntityService';
import { webhookPayloadSchema, type createIssueWebhookHandler } from './webhooks/issueWebhook';
import { webhookSite } from './webhooks/webhookSignature';

const webhookReceipt = z
  .object({
    received: z.literal(true),
    id: z.string(),
    webhookEvent: z.string(),
    duplicate: z.literal(true).optional(),
    ignored: z.literal(true).optional(),
    entityRefs: z.array(z.string()).optional(),
  })
  .meta({ id: 'JiraWebhookReceipt' });

type WithRawBody = Request & { rawBody?: Buffer };

/** Routes under /api/jira: an entity's issues for the tab, card and group view, and Jira's webhooks. */
export function createRouter(options: {
  service: JiraEntityService;
  catalog: CatalogApi;
  auth: AuthService;
  logger: LoggerService;
  httpAuth?: HttpAuthService;
  permissions?: PermissionsService;
  auditor?: AuditorService;
  /** Webhooks: the sites (their `webhookSecret`), the deliveries processed recently, and what an issue event does. */
  webhooks?: { sites: readonly JiraSiteConfig[]; events: WebhookEventStore; handleIssue: ReturnType<typeof createIssueWebhookHandler> };
}): Router {
  const { service, catalog, auth, webhooks } = options;
  const routes = createRouteRegistry({
    pluginId: 'jira',
    title: 'Portico Jira',
    description: 'The Jira issues of an entity (its project, narrowed by component, label and JQL), counts and 30-day trend; Jira issue webhooks.',
    httpAuth: options.httpAuth,
    permissions: options.permissions,
    auditor: options.auditor,
  });

  const catalogToken = async (credentials: Credentials) => (await auth.getPluginRequestToken({ onBehalfOf: credentials, targetPluginId: 'catalog' })).token;

  routes.route(
    {
      method: 'get',
      path: '/entity',
      summary: 'The Jira issues of an entity',
      description:
        'The issues of the entity\'s jira/project-key, narrowed by jira/component AND jira/label AND (jira/jql) when present; for a Group, ' +
        'its own mapping and those of the components it owns, merged. The project (name, lead, avatar), open issues (newest first, filtered ' +
        'by `type` and `statusCategory`, comma-separated; `statusCategory=done` adds recently resolved ones), counts of open issues by ' +
        'type and priority, and issues created and resolved per day over 30 days. A JQL Jira rejects or a project it does not know is ' +
        'listed in `errors` (200), never a 500. Cached (5 minutes by default; a webhook refreshes the project). Read as the caller: an ' +
        'entity they may not read is a 404.',
      query: jiraEntityQuerySchema,
      response: { description: 'What the Issues tab, the card and the group view show', schema: jiraEntitySummarySchema },
      errors: {
        400: 'A malformed entityRef or filter',
        404: 'No such entity, or it has no jira/project-key annotation (and is not a Group)',
        503: 'Jira is unreachable, slow, rate-limiting, or refused the credentials',
      },
    },
    async ({ query, credentials }) => {
      let entityRef: string;
      try {
        entityRef = stringifyEntityRef(parseEntityRef(query.entityRef, { defaultKind: 'component', defaultNamespace: 'default' })).toLowerCase();
      } catch (error) {
        throw new InputError(`entityRef '${query.entityRef.slice(0, 100)}' is not an entity ref (kind:namespace/name): ${(error as Error).message}`);
      }
      let filters;
      try {
        filters = parseFilters(query);
      } catch (error) {
        if (error instanceof JiraAnnotationError) throw new InputError(error.message);
        throw error;
      }
      const entity = await catalog.getEntityByRef(entityRef, { token: await catalogToken(credentials) });
      if (!entity) throw new NotFoundError(`No entity ${entityRef} in the catalog`);
      // Jira unreachable or refusing: a JiraUnavailableError, whose message the host answers with the 503
      return service.getSummary({ entity, entityRef, filters });
    },
  );

  routes.route(
    {
      method: 'post',
      path: '/webhooks',
      summary: 'Receive a Jira issue webhook',
      description:
        'Jira Cloud admin webhooks with a secret: X-Hub-Signature (sha256=<HMAC-SHA256 of the body under the site\'s webhookSecret>). ' +
        'Jira Data Center: the site\'s webhookSecret as `?secret=` in the webhook URL or the X-Portico-Webhook-Secret header. A delivery ' +
        'seen before (X-Atlassian-Webhook-Identifier, else the body\'s digest) is answered 200 without being processed again. ' +
        'jira:issue_created, jira:issue_updated and jira:issue_deleted forget the project\'s cached issues and are published on the events ' +
        'service as jira.issue.<created|updated|deleted> with the matching entities (whose facts the scorecards module collects again); ' +
        'other events are acknowledged and ignored. Each delivery is audited, never its body.',
      // Jira cannot sign in: the signature or shared secret authenticates a delivery instead.
      auth: 'unauthenticated',
      query: z.looseObject({ secret: z.string().max(1000).optional() }),
      response: { status: 202, description: 'Received (200 with `duplicate: true` for a delivery seen before)', schema: webhookReceipt },
      errors: { 400: 'Not a JSON object with a webhookEvent', 401: 'Missing or wrong signature or secret', 503: 'No webhookSecret is configured' },
    },
    async ({ req, res, query }) => {
      const sites = webhooks?.sites.filter(s => s.webhookSecret) ?? [];
      if (!webhooks || sites.length === 0) {
        // whoever sets up the webhook needs to read this, so the host shows the message (expose)
        throw new ServiceUnavailableError('Jira webhooks are not configured: set webhookSecret of a site in integrations.jira', undefined, { expose: true });
      }
      const signature = req.header('x-hub-signature') ?? undefined;
      const secret = req.header('x-portico-webhook-secret') ?? query.secret;
      if (!signature && !secret) throw new AuthenticationError('Missing X-Hub-Signature header (Jira Cloud) or shared secret (Jira Data Center: ?secret= or X-Portico-Webhook-Secret)');
      // The bytes the host's JSON parser kept; another content type leaves none, and no signature matches.
      const raw = (req as WithRawBody).rawBody ?? Buffer.alloc(0);
      const site = webhookSite(sites, raw, { signature, secret });
      if (!site) {
        throw new AuthenticationError(
          signature ? 'The X-Hub-Signature signature does not match the payload under any configured webhookSecret' : 'The shared secret matches no Jira Data Center site\'s webhookSecret',
        );
      }
      const parsed = webhookPayloadSchema.safeParse(req.body);
      if (!parsed.success) throw new InputError(`The webhook payload must be a JSON object with webhookEvent (and issue) sent as application/json: ${parsed.error.issues[0]?.message ?? ''}`);
      const payload = parsed.data;
      const id = req.header('x-atlassian-webhook-identifier') ?? `sha256:${createHash('sha256').update(raw).digest('hex')}`;
      const deliveryId = `${site.host}:${id}`.slice(0, 255);
      const meta = { host: site.host, webhookEvent: payload.webhookEvent, issueKey: payload.issue?.key ?? null };
      if (!(await webhooks.events.claim(deliveryId))) {
        options.logger.info(`Jira webhook ${payload.webhookEvent} ${id} was already received; not processed again`);
        await audited(options.auditor, { action: 'jira.webhook.receive', resourceRef: id, request: req, meta: { ...meta, duplicate: true } }, async () => undefined);
        res.status(200).json({ received: true, duplicate: true, id, webhookEvent: payload.webhookEvent });
        return undefined;
      }
      return audited(options.auditor, { action: 'jira.webhook.receive', resourceRef: id, request: req, meta }, async () => {
        try {
          const handled = await webhooks.handleIssue(site.host, payload);
          if (!handled) return { received: true as const, ignored: true as const, id, webhookEvent: payload.webhookEvent };
          return { received: true as const, id, webhookEvent: payload.webhookEvent, entityRefs: handled.entityRefs };
        } catch (error) {
          // Jira retries the delivery: that one must be processed.
          await webhooks.events.release(deliveryId);
          throw error;
        }
      });
    },
  );

  return routes.router;
}
