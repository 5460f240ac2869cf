import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { emitterEventNames } from '@octokit/webhooks';
import { z } from 'zod';
import {
  AuthenticationError,
  InputError,
  ServiceUnavailableError,
  validateRequest,
  type EventsService,
  type LoggerService,
} from '@portico/backend-plugin-api';
import type { GithubDiscoveryPreview } from '@portico/plugin-github-common';
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
}): Router {
  const { clients, service, events, logger, webhookSecret, deliveries } = options;
  const router = Router();

  router.post('/webhooks', receiveRawBody, async (req, res) => {
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
      res.status(200).json({ received: true, duplicate: true, event, id });
      return;
    }
    const message: GithubWebhookEvent = {
      name: event,
      id,
      host: req.header('x-github-enterprise-host') ?? 'github.com',
      payload: req.body,
    };
    const started = Date.now();
    try {
      await events.publish({ topic: GITHUB_WEBHOOK_TOPIC, payload: message, metadata: { plugin: 'github' } });
    } catch (error) {
      // GitHub redelivers with the same id: that one must be processed.
      await deliveries.release(id);
      throw error;
    }
    logger.debug(`GitHub webhook ${event} ${id} handled in ${Date.now() - started} ms`);
    res.status(202).json({ received: true, event, id });
  });

  router.get('/repos/:owner/:repo/summary', validateRequest({ params: repoParams, query: hostQuery }), async (_req, res) => {
    const { owner, repo } = res.locals.params as z.infer<typeof repoParams>;
    const { host } = res.locals.query as z.infer<typeof hostQuery>;
    res.json(await service.getSummary({ host, owner, repo }));
  });

  router.get('/repos/:owner/:repo/pulls', validateRequest({ params: repoParams, query: hostQuery }), async (_req, res) => {
    const { owner, repo } = res.locals.params as z.infer<typeof repoParams>;
    const { host } = res.locals.query as z.infer<typeof hostQuery>;
    res.json({ items: await service.listOpenPullRequests({ host, owner, repo }) });
  });

  router.get('/discovery/preview', validateRequest({ query: previewQuery }), async (_req, res) => {
    const query = res.locals.query as z.infer<typeof previewQuery>;
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
    res.json(preview);
  });

  return router;
}
