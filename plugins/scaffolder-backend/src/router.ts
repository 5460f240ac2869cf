import express, { type Request, type Response } from 'express';
import { parseInput, type HttpAuthService, type AuthService } from '@portico/backend-plugin-api';
import type { JsonObject } from '@portico/plugin-scaffolder-common';
import { z } from 'zod';
import type { ActionRegistry } from './service/ActionRegistry';
import type { Caller, TaskService } from './service/TaskService';
import { buildOpenApiDocument } from './openapi';
import { answerBody, createTaskBody, dryRunBody, listTasksQuery, retryBody } from './requestSchemas';

const taskParams = z.object({ taskId: z.string().min(1).max(64) });
const afterQuery = z.object({ after: z.coerce.number().int().min(0).optional() });

export interface RouterOptions {
  service: TaskService;
  registry: ActionRegistry;
  httpAuth: HttpAuthService;
  auth: AuthService;
  /** How often the event stream looks for new events. */
  eventPollIntervalMs?: number;
}

/** HTTP routes of /api/scaffolder: parse, call the TaskService, respond. */
export function createRouter(options: RouterOptions): express.Router {
  const { service, registry, httpAuth, auth } = options;
  const router = express.Router();

  async function caller(req: Request): Promise<Caller> {
    const credentials = await httpAuth.credentials(req);
    const principal = credentials.principal;
    let token: string | undefined;
    try {
      token = (await auth.getPluginRequestToken({ onBehalfOf: credentials, targetPluginId: 'catalog' })).token;
    } catch {
      token = undefined;
    }
    if (principal.type === 'user') return { userEntityRef: principal.userEntityRef, ownershipEntityRefs: principal.ownershipEntityRefs, token };
    return { userEntityRef: principal.type === 'service' ? principal.subject : undefined, ownershipEntityRefs: [], token };
  }

  router.get('/openapi.json', (_req, res) => {
    res.json(buildOpenApiDocument());
  });

  router.get('/v2/actions', (_req, res) => {
    res.json(registry.describe());
  });

  router.post('/v2/tasks', async (req, res) => {
    const body = parseInput('body', createTaskBody, req.body ?? {});
    const result = await service.createTask({ templateRef: body.templateRef, values: body.values as JsonObject, secrets: body.secrets }, await caller(req));
    res.status(201).json(result);
  });

  router.get('/v2/tasks', async (req, res) => {
    const query = parseInput('query', listTasksQuery, req.query);
    const status = query.status === undefined ? undefined : (Array.isArray(query.status) ? query.status : query.status.split(',')).filter(Boolean);
    res.json(await service.listTasks({ createdBy: query.createdBy, status, limit: query.limit, offset: query.offset }));
  });

  router.get('/v2/tasks/:taskId', async (req, res) => {
    const { taskId } = parseInput('params', taskParams, req.params);
    res.json(await service.getTask(taskId));
  });

  router.post('/v2/tasks/:taskId/cancel', async (req, res) => {
    const { taskId } = parseInput('params', taskParams, req.params);
    res.json(await service.cancel(taskId));
  });

  router.post('/v2/tasks/:taskId/retry', async (req, res) => {
    const { taskId } = parseInput('params', taskParams, req.params);
    const body = parseInput('body', retryBody, req.body ?? {});
    res.status(201).json(await service.retry(taskId, body.secrets));
  });

  router.get('/v2/tasks/:taskId/events', async (req, res) => {
    const { taskId } = parseInput('params', taskParams, req.params);
    const { after } = parseInput('query', afterQuery, req.query);
    await service.getTask(taskId);
    res.json(await service.events(taskId, after));
  });

  router.get('/v2/tasks/:taskId/eventstream', async (req, res) => {
    const { taskId } = parseInput('params', taskParams, req.params);
    const { after } = parseInput('query', afterQuery, req.query);
    await service.getTask(taskId); // 404 before the stream starts
    await streamEvents(req, res, service, taskId, after ?? (Number(req.get('last-event-id')) || 0), options.eventPollIntervalMs ?? 250);
  });

  router.post('/v2/dry-run', async (req, res) => {
    const body = parseInput('body', dryRunBody, req.body ?? {});
    res.json(await service.dryRun({ template: body.template, values: body.values as JsonObject, secrets: body.secrets, directoryContents: body.directoryContents }, await caller(req)));
  });

  router.get('/v2/templates/:namespace/:kind/:name/parameter-schema', async (req, res) => {
    const { namespace, kind, name } = parseInput('params', z.object({ namespace: z.string().min(1), kind: z.string().min(1), name: z.string().min(1) }), req.params);
    res.json(await service.parameterSchema(`${kind}:${namespace}/${name}`, await caller(req)));
  });

  router.get('/v2/inbox', async (req, res) => {
    res.json({ items: await service.inbox(await caller(req)) });
  });

  router.post('/v2/tasks/:taskId/steps/:stepId/:decision', async (req, res) => {
    const { taskId, stepId, decision } = parseInput(
      'params',
      z.object({ taskId: z.string().min(1).max(64), stepId: z.string().min(1).max(256), decision: z.enum(['approve', 'reject', 'submit']) }),
      req.params,
    );
    const body = parseInput('body', answerBody, req.body ?? {});
    res.json(await service.answer(taskId, stepId, { decision, values: body.values as JsonObject | undefined, comment: body.comment }, await caller(req)));
  });

  return router;
}

/**
 * Server-sent events: every stored event after `after`, then new ones as they are written
 * (read from the database, so it works whichever instance runs the task). Ends after `completion`.
 */
async function streamEvents(req: Request, res: Response, service: TaskService, taskId: string, after: number, pollMs: number) {
  res.status(200);
  res.set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
  res.flushHeaders();
  let closed = false;
  req.on('close', () => {
    closed = true;
  });
  let last = after;
  let lastType: string | undefined;
  let lastWrite = Date.now();
  while (!closed) {
    const events = await service.events(taskId, last);
    for (const event of events) {
      res.write(`event: ${event.type}\nid: ${event.id}\ndata: ${JSON.stringify(event)}\n\n`);
      last = event.id;
      lastWrite = Date.now();
    }
    if (events.length > 0) lastType = events[events.length - 1].type;
    // A retried run has the completion event of its earlier attempt: end only when the run has ended.
    if (lastType === 'completion' && ['completed', 'failed', 'cancelled'].includes((await service.getTask(taskId)).status)) break;
    if (Date.now() - lastWrite > 15000) {
      res.write(': keep-alive\n\n');
      lastWrite = Date.now();
    }
    await new Promise(r => setTimeout(r, pollMs));
  }
  res.end();
}
