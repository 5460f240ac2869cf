import { Router, type Request } from 'express';
import { Webhooks, emitterEventNames } from '@octokit/webhooks';
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
import { GITHUB_WEBHOOK_TOPIC, type GithubWebhookEvent } from './webhooks/webhookEvents';

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

/** The body exactly as sent when the host kept it, else its JSON serialisation (GitHub sends compact JSON). */
function rawBody(req: Request): string {
  const raw = (req as Request & { rawBody?: Buffer | string }).rawBody;
  if (raw !== undefined) return raw.toString();
  if (typeof req.body === 'string') return req.body;
  return JSON.stringify(req.body ?? {});
}

/** Routes under /api/github: webhooks, repository data for the card and tab, and the discovery preview. */
export function createRouter(options: {
  clients: GithubClients;
  service: GithubRepositoryService;
  events: EventsService;
  logger: LoggerService;
  webhookSecret?: string;
}): Router {
  const { clients, service, events, logger } = options;
  const webhooks = options.webhookSecret ? new Webhooks({ secret: options.webhookSecret }) : undefined;
  const router = Router();

  router.post('/webhooks', async (req, res) => {
    if (!webhooks) throw new ServiceUnavailableError('GitHub webhooks are not configured: set github.webhookSecret');
    const signature = req.header('x-hub-signature-256');
    if (!signature) throw new AuthenticationError('Missing X-Hub-Signature-256 header');
    const payload = rawBody(req);
    const valid = await webhooks.verify(payload, signature).catch(() => false);
    if (!valid) throw new AuthenticationError('The X-Hub-Signature-256 signature does not match the payload');
    const event = req.header('x-github-event');
    if (!event) throw new InputError('Missing X-GitHub-Event header');
    if (!knownEvents.has(event)) throw new InputError(`Unknown GitHub event '${event}'`);
    const body = typeof req.body === 'object' && req.body !== null ? (req.body as Record<string, unknown>) : (JSON.parse(payload) as Record<string, unknown>);
    const message: GithubWebhookEvent = {
      name: event,
      id: req.header('x-github-delivery') ?? '',
      host: req.header('x-github-enterprise-host') ?? 'github.com',
      payload: body,
    };
    const started = Date.now();
    await events.publish({ topic: GITHUB_WEBHOOK_TOPIC, payload: message, metadata: { plugin: 'github' } });
    logger.debug(`GitHub webhook ${event} ${message.id} handled in ${Date.now() - started} ms`);
    res.status(202).json({ received: true, event, id: message.id });
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
