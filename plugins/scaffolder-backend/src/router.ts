import type { Request, Response, Router } from 'express';
import { createRouteRegistry, type HttpAuthService, type AuthService } from '@portico/backend-plugin-api';
import type { JsonObject } from '@portico/plugin-scaffolder-common';
import { z } from 'zod';
import type { ActionRegistry } from './service/ActionRegistry';
import type { Caller, TaskService } from './service/TaskService';
import { answerBody, createTaskBody, dryRunBody, listTasksQuery, retryBody } from './requestSchemas';

const taskParams = z.object({ taskId: z.string().min(1).max(64) });
const afterQuery = z.object({ after: z.coerce.number().int().min(0).optional() });
const stepParams = z.object({ taskId: z.string().min(1).max(64), stepId: z.string().min(1).max(256) });
/** Answers whose shape the TaskService owns (documented in words). */
const jsonObject = z.unknown().meta({ type: 'object' });
const jsonArray = z.unknown().meta({ type: 'array' });

export interface RouterOptions {
  service: TaskService;
  registry: ActionRegistry;
  httpAuth: HttpAuthService;
  auth: AuthService;
  /** How often the event stream looks for new events. */
  eventPollIntervalMs?: number;
}

/** HTTP routes of /api/scaffolder: parse, call the TaskService, respond. */
export function createRouter(options: RouterOptions): Router {
  const { service, registry, httpAuth, auth } = options;
  const routes = createRouteRegistry({
    pluginId: 'scaffolder',
    title: 'Portico scaffolder',
    version: '0.1.0',
    description: 'Templates, durable runs, approvals and input requests. Follows Backstage scaffolder v2 routes where they overlap.',
  });

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

  routes.route(
    {
      method: 'get',
      path: '/v2/actions',
      summary: 'List installed actions',
      description: 'Every installed action with its input and output JSON Schemas.',
      response: { description: 'Actions', schema: jsonArray },
    },
    () => registry.describe(),
  );

  routes.route(
    {
      method: 'post',
      path: '/v2/tasks',
      summary: 'Start a run of a template from the catalog',
      description: 'Validates the values against the template parameters and starts a durable run.',
      body: createTaskBody,
      response: { status: 201, description: '`{ id }`', schema: z.object({ id: z.string() }) },
      errors: { 404: 'No such template' },
    },
    async ({ body, req }) => service.createTask({ templateRef: body.templateRef, values: body.values as JsonObject, secrets: body.secrets }, await caller(req)),
  );

  routes.route(
    {
      method: 'get',
      path: '/v2/tasks',
      summary: 'List runs',
      description: 'Runs, newest first, optionally of one creator and with some statuses (comma-separated or repeated).',
      query: listTasksQuery,
      response: { description: '`{ tasks, totalTasks }`', schema: jsonObject },
    },
    ({ query }) => {
      const status = query.status === undefined ? undefined : (Array.isArray(query.status) ? query.status : query.status.split(',')).filter(Boolean);
      return service.listTasks({ createdBy: query.createdBy, status, limit: query.limit, offset: query.offset });
    },
  );

  routes.route(
    {
      method: 'get',
      path: '/v2/tasks/:taskId',
      summary: 'A run with its steps',
      description: 'The run, its status, its steps and their outputs.',
      params: taskParams,
      response: { description: 'Task', schema: jsonObject },
      errors: { 404: 'No such run' },
    },
    ({ params }) => service.getTask(params.taskId),
  );

  routes.route(
    {
      method: 'post',
      path: '/v2/tasks/:taskId/cancel',
      summary: 'Cancel a run',
      description: 'Stops a run that has not ended; its current step is asked to stop.',
      params: taskParams,
      response: { description: '`{ status }`', schema: jsonObject },
      errors: { 404: 'No such run', 409: 'Already ended' },
    },
    ({ params }) => service.cancel(params.taskId),
  );

  routes.route(
    {
      method: 'post',
      path: '/v2/tasks/:taskId/retry',
      summary: 'Retry a failed or cancelled run',
      description: 'Starts the run again from its first step that did not complete.',
      params: taskParams,
      body: retryBody,
      response: { status: 201, description: '`{ id }`', schema: jsonObject },
      errors: { 404: 'No such run', 409: 'Not failed or cancelled' },
    },
    ({ params, body }) => service.retry(params.taskId, body.secrets),
  );

  routes.route(
    {
      method: 'get',
      path: '/v2/tasks/:taskId/events',
      summary: 'Events of a run',
      description: 'The stored events of a run after the event id `after`.',
      params: taskParams,
      query: afterQuery,
      response: { description: 'Events', schema: jsonArray },
      errors: { 404: 'No such run' },
    },
    async ({ params, query }) => {
      await service.getTask(params.taskId);
      return service.events(params.taskId, query.after);
    },
  );

  routes.route(
    {
      method: 'get',
      path: '/v2/tasks/:taskId/eventstream',
      summary: 'Events of a run as server-sent events',
      description: 'Every stored event after `after` (or Last-Event-ID), then new ones as they are written; ends after the completion event.',
      params: taskParams,
      query: afterQuery,
      response: { description: 'text/event-stream', contentType: 'text/event-stream', schema: z.string() },
      errors: { 404: 'No such run' },
    },
    async ({ params, query, req, res }) => {
      await service.getTask(params.taskId); // 404 before the stream starts
      await streamEvents(req, res, service, params.taskId, query.after ?? (Number(req.get('last-event-id')) || 0), options.eventPollIntervalMs ?? 250);
    },
  );

  routes.route(
    {
      method: 'post',
      path: '/v2/dry-run',
      summary: 'Run a template now without side effects',
      description: 'Only actions that support dry run execute; the answer holds the output, steps, log and files written.',
      body: dryRunBody,
      response: { description: '`{ status, output, steps, log, directoryContents }`', schema: jsonObject },
    },
    async ({ body, req }) =>
      service.dryRun({ template: body.template, values: body.values as JsonObject, secrets: body.secrets, directoryContents: body.directoryContents }, await caller(req)),
  );

  routes.route(
    {
      method: 'get',
      path: '/v2/templates/:namespace/:kind/:name/parameter-schema',
      summary: 'The form pages of a template',
      description: '`{ title, description, steps: [{ title, description, schema }] }` of a template in the catalog.',
      params: z.object({ namespace: z.string().min(1), kind: z.string().min(1), name: z.string().min(1) }),
      response: { description: 'The form pages', schema: jsonObject },
      errors: { 404: 'No such template' },
    },
    async ({ params: { namespace, kind, name }, req }) => service.parameterSchema(`${kind}:${namespace}/${name}`, await caller(req)),
  );

  routes.route(
    {
      method: 'get',
      path: '/v2/inbox',
      summary: 'What waits for the current user',
      description: 'Approvals and input requests waiting for the current user (or their groups).',
      response: { description: '`{ items }`', schema: z.object({ items: jsonArray }) },
    },
    async ({ req }) => ({ items: await service.inbox(await caller(req)) }),
  );

  for (const decision of ['approve', 'reject', 'submit'] as const) {
    routes.route(
      {
        method: 'post',
        path: `/v2/tasks/:taskId/steps/:stepId/${decision}`,
        summary: decision === 'submit' ? 'Submit the form of an input request' : `${decision[0].toUpperCase()}${decision.slice(1)} an approval request`,
        description:
          decision === 'submit'
            ? 'Answers an input request of a waiting step with the values of its form.'
            : `${decision === 'approve' ? 'Approves' : 'Rejects'} the approval request of a waiting step, with an optional comment.`,
        params: stepParams,
        body: answerBody,
        response: { description: '`{ status }`', schema: jsonObject },
        errors: { 403: 'Not an assignee', 404: 'No such run or step', 409: 'Answered already or expired' },
      },
      async ({ params: { taskId, stepId }, body, req }) =>
        service.answer(taskId, stepId, { decision, values: body.values as JsonObject | undefined, comment: body.comment }, await caller(req)),
    );
  }

  return routes.router;
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
