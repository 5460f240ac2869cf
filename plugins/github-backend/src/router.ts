import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { emitterEventNames } from '@octokit/webhooks';
import { z } from 'zod';
import {
  audited,
  createRouteRegistry,
  type AuditorService,
  type EventsService,
  type HttpAuthService,
  type LoggerService,
  type PermissionsService,
} from '@portico/backend-plugin-api';
import { AuthenticationError, InputError, ServiceUnavailableError } from '@portico/errors';
import { githubDiscoveryPreviewPermission, type GithubDiscoveryPreview } from '@portico/plugin-github-common';
import { githubDiscoveryConfigSchema } from './discovery/config';
import { discoverOrganization } from './discovery/GithubEntityProvider';
import type { GithubClients } from './integration/GithubClients';
import type { GithubRepositoryService } from './service/GithubRepositoryService';
import type { WebhookDeliveryStore } from './database/WebhookDeliveryStore';
import { GITHUB_WEBHOOK_TOPIC, type GithubWebhookEvent } from './webhooks/webhookEvents';
import { isValidWebhookSignature, webhookBodyDigest } from './webhooks/webhookSignature';

const name = z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, ., _ and - only');
const repoParams = z.object({ owner: name, repo: name });
const hostQuery = z.object({ host: z.string().min(1).optional() });
const previewQuery = z.object({
  organization: name,
  host: z.string().min(1).default('github.com'),
  catalogPath: z.string().min(1).default('/catalog-info.yaml'),
  repository: z.string().optional(),
});

const repositorySummary = z
  .object({
    fullName: z.string(),
    htmlUrl: z.string(),
    description: z.string().nullable(),
    defaultBranch: z.string(),
    archived: z.boolean(),
    languages: z.array(z.object({ name: z.string(), bytes: z.number() })),
    branchProtection: z.object({
      protected: z.boolean(),
      requiredReviews: z.number().nullable(),
      requiredStatusChecks: z.array(z.string()),
      enforceAdmins: z.boolean(),
    }),
    lastCommit: z
      .object({ sha: z.string(), message: z.string(), author: z.string().nullable(), date: z.string().nullable(), htmlUrl: z.string() })
      .nullable(),
  })
  .meta({ id: 'GithubRepositorySummary' });
const pullRequest = z
  .object({
    number: z.number(),
    title: z.string(),
    htmlUrl: z.string(),
    author: z.string().nullable(),
    createdAt: z.string(),
    draft: z.boolean(),
    reviewState: z.enum(['approved', 'changes_requested', 'review_required', 'commented']),
  })
  .meta({ id: 'GithubPullRequestSummary' });
const discoveryPreview = z
  .object({
    organization: z.string(),
    host: z.string(),
    repositoriesScanned: z.number(),
    repositories: z.array(
      z.object({
        fullName: z.string(),
        files: z.array(
          z.object({
            url: z.string(),
            entities: z.array(z.object({ kind: z.string(), name: z.string(), namespace: z.string().optional() })),
            error: z.string().optional(),
          }),
        ),
      }),
    ),
    skipped: z.array(z.object({ fullName: z.string(), reason: z.string() })),
  })
  .meta({ id: 'GithubDiscoveryPreview' });
const webhookReceipt = z.object({ received: z.literal(true), duplicate: z.literal(true).optional(), event: z.string(), id: z.string() });

const knownEvents = new Set<string>(emitterEventNames.map(n => n.split('.')[0]));

type WithRawBody = Request & { rawBody?: Buffer };

/** Reads the bytes of a body the host's JSON parser left alone (any other content type), up to 1 MB. */
const readOtherBody = express.raw({ type: () => true, limit: '1mb' });

/** The bytes received: kept by the host's JSON parser, or read here for any other content type. */
function receiveRawBody(req: Request, res: Response, next: NextFunction): void {
  if ((req as WithRawBody).rawBody !== undefined) return next();
  readOtherBody(req, res, error => {
    if (error) return next(error);
    (req as WithRawBody).rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    req.body = undefined;
    next();
  });
}

const isJsonObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Routes under /api/github: webhooks, repository data for the card and tab, and the discovery preview. */
export function createRouter(options: {
  clients: GithubClients;
  service: GithubRepositoryService;
  events: EventsService;
  logger: LoggerService;
  webhookSecret?: string;
  /** Deliveries processed recently: a redelivered or replayed one is answered 200 and not processed again. */
  deliveries: WebhookDeliveryStore;
  httpAuth?: HttpAuthService;
  permissions?: PermissionsService;
  auditor?: AuditorService;
}): Router {
  const { clients, service, events, logger, webhookSecret, deliveries } = options;
  const routes = createRouteRegistry({
    pluginId: 'github',
    title: 'Portico GitHub',
    description: 'GitHub webhooks, repository data for the entity card and tab, and the discovery preview.',
    httpAuth: options.httpAuth,
    permissions: options.permissions,
    auditor: options.auditor,
  });

  routes.route(
    {
      method: 'post',
      path: '/webhooks',
      // GitHub caps a delivery at 25 MB (a push of many commits); every other route keeps the host's limit.
      bodyLimit: '25mb',
      summary: 'Receive a GitHub webhook',
      description:
        'Checks the X-Hub-Signature-256 signature, refuses unknown events, answers a redelivered X-GitHub-Delivery with 200 ' +
        'without processing it again, and publishes the event on the github.webhook topic.',
      middleware: [receiveRawBody],
      // GitHub cannot sign in: the X-Hub-Signature-256 signature authenticates a delivery instead
      auth: 'unauthenticated',
      response: { status: 202, description: 'Received and published (200 with `duplicate: true` for a delivery seen before)', schema: webhookReceipt },
      errors: { 400: 'Not a JSON object, or a missing or unknown event header', 401: 'Missing or wrong signature', 503: 'Webhooks are not configured' },
    },
    async ({ req, res }) => {
      if (!webhookSecret) throw new ServiceUnavailableError('GitHub webhooks are not configured: set github.webhookSecret');
      const signature = req.header('x-hub-signature-256');
      if (!signature) throw new AuthenticationError('Missing X-Hub-Signature-256 header');
      const raw = (req as WithRawBody).rawBody ?? Buffer.alloc(0);
      if (!isValidWebhookSignature(webhookSecret, raw, signature)) {
        throw new AuthenticationError('The X-Hub-Signature-256 signature does not match the payload');
      }
      // Only the host's JSON parser parses a payload (bounded in size and depth); anything else is refused.
      if (!isJsonObject(req.body)) throw new InputError('The webhook payload must be a JSON object sent as application/json');
      const event = req.header('x-github-event');
      if (!event) throw new InputError('Missing X-GitHub-Event header');
      if (!knownEvents.has(event)) throw new InputError(`Unknown GitHub event '${event}'`);
      const id = req.header('x-github-delivery');
      if (!id) throw new InputError('Missing X-GitHub-Delivery header');
      if (id.length > 255) throw new InputError('X-GitHub-Delivery header is longer than 255 characters');
      if (!(await deliveries.claim({ id, bodyDigest: webhookBodyDigest(raw) }))) {
        logger.info(`GitHub webhook ${event} ${id} was already received; not processed again`);
        await audited(options.auditor, { action: 'github.webhook.receive', resourceRef: id, request: req, meta: { event, duplicate: true } }, async () => undefined);
        res.status(200).json({ received: true, duplicate: true, event, id });
        return undefined;
      }
      const message: GithubWebhookEvent = {
        name: event,
        id,
        host: req.header('x-github-enterprise-host') ?? 'github.com',
        payload: req.body,
      };
      const started = Date.now();
      // Each delivery is recorded (event, delivery id, host; a redelivery as a duplicate), never its payload.
      await audited(options.auditor, { action: 'github.webhook.receive', resourceRef: id, request: req, meta: { event, host: message.host } }, async () => {
        try {
          await events.publish({ topic: GITHUB_WEBHOOK_TOPIC, payload: message, metadata: { plugin: 'github' } });
        } catch (error) {
          // GitHub redelivers with the same id: that one must be processed.
          await deliveries.release(id);
          throw error;
        }
      });
      logger.debug(`GitHub webhook ${event} ${id} handled in ${Date.now() - started} ms`);
      return { received: true as const, event, id };
    },
  );

  routes.route(
    {
      method: 'get',
      path: '/repos/:owner/:repo/summary',
      summary: 'What the repository card shows',
      description: 'Description, default branch, languages, branch protection and the last commit of a repository.',
      params: repoParams,
      query: hostQuery,
      response: { description: 'The repository summary', schema: repositorySummary },
      errors: { 404: 'No such repository (or not visible to the integration)' },
    },
    ({ params: { owner, repo }, query: { host } }) => service.getSummary({ host, owner, repo }),
  );

  routes.route(
    {
      method: 'get',
      path: '/repos/:owner/:repo/pulls',
      summary: 'Open pull requests',
      description: 'The open pull requests of a repository with their review state, for the Pull requests tab.',
      params: repoParams,
      query: hostQuery,
      response: { description: 'Open pull requests', schema: z.object({ items: z.array(pullRequest) }) },
      errors: { 404: 'No such repository (or not visible to the integration)' },
    },
    async ({ params: { owner, repo }, query: { host } }) => ({ items: await service.listOpenPullRequests({ host, owner, repo }) }),
  );

  routes.route(
    {
      method: 'get',
      path: '/discovery/preview',
      summary: 'What discovery would add for an organisation',
      description: 'Scans the repositories of an organisation for catalog files and reports the entities it would read, without storing anything.',
      query: previewQuery,
      response: { description: 'The preview', schema: discoveryPreview },
      permission: githubDiscoveryPreviewPermission,
    },
    async ({ query }) => {
      const config = githubDiscoveryConfigSchema.parse({
        organization: query.organization,
        host: query.host,
        catalogPath: query.catalogPath,
        filters: query.repository ? { repository: query.repository } : undefined,
      });
      let summary;
      try {
        summary = await discoverOrganization({ clients, config, logger });
      } catch (error) {
        const status = (error as { status?: number }).status;
        if (status === 404) throw new InputError(`Organisation '${query.organization}' was not found on ${query.host}`);
        throw error;
      }
      const preview: GithubDiscoveryPreview = {
        organization: query.organization,
        host: query.host,
        repositoriesScanned: summary.scanned,
        repositories: summary.results.map(r => ({
          fullName: r.fullName,
          files: r.files.map(f => ({
            url: f.url,
            entities: f.entities.map(e => ({ kind: String(e.kind), name: String(e.metadata?.name), ...(e.metadata?.namespace ? { namespace: e.metadata.namespace } : {}) })),
            ...(f.error ? { error: f.error } : {}),
          })),
        })),
        skipped: summary.skipped.sort((a, b) => a.fullName.localeCompare(b.fullName)),
      };
      return preview;
    },
  );

  return routes.router;
}
