import type { Router } from 'express';
import {
  audited,
  createRouteRegistry,
  type AuditorService,
  type AuthService,
  type Credentials,
  type HttpAuthService,
  type PermissionsService,
} from '@portico/backend-plugin-api';
import { NotAllowedError } from '@portico/errors';
import {
  scaffolderApprovalDecidePermission,
  scaffolderTaskCancelPermission,
  scaffolderTaskReadPermission,
  scaffolderTaskRetryPermission,
  scaffolderTemplateRunPermission,
  type JsonObject,
} from '@portico/plugin-scaffolder-common';
import { z } from 'zod';
import { serializeTask, type TaskStore } from './database/TaskStore';
import type { ActionRegistry } from './service/ActionRegistry';
import { toTaskPermissionQuery } from './service/taskPermissions';
import type { TaskEventFeed } from './service/TaskEventFeed';
import { streamTaskEvents } from './service/TaskEventStream';
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
  /** Lists runs with the caller's read permission applied in the query. */
  store: TaskStore;
  auth: AuthService;
  httpAuth?: HttpAuthService;
  permissions?: PermissionsService;
  auditor?: AuditorService;
  /** Announces committed run events to the event streams of this instance. */
  feed: TaskEventFeed;
  /** The event streams' safety re-read of the database, for an announcement that was lost. Default 5 s. */
  eventStreamRereadMs?: number;
}

/** HTTP routes of /api/scaffolder: parse, call the TaskService, respond. */
export function createRouter(options: RouterOptions): Router {
  const { service, registry, store, auth, auditor } = options;
  const routes = createRouteRegistry({
    pluginId: 'scaffolder',
    title: 'Portico scaffolder',
    version: '0.1.0',
    description: 'Templates, durable runs, approvals and input requests. Follows Backstage scaffolder v2 routes where they overlap.',
    httpAuth: options.httpAuth,
    permissions: options.permissions,
    auditor,
  });

  /** The run, or 404; then the caller's permission on it (403). */
  async function authorizedTask(taskId: string, authorize: (resourceRef: string) => Promise<void>) {
    const task = await service.getTask(taskId);
    await authorize(taskId);
    return task;
  }

  async function caller(credentials: Credentials): Promise<Caller> {
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
      permission: scaffolderTemplateRunPermission,
    },
    async ({ body, req, credentials }) =>
      audited(auditor, { action: scaffolderTemplateRunPermission.name, resourceRef: body.templateRef, request: req }, async () =>
        service.createTask({ templateRef: body.templateRef, values: body.values as JsonObject, secrets: body.secrets }, await caller(credentials)),
      ),
  );

  routes.route(
    {
      method: 'get',
      path: '/v2/tasks',
      summary: 'List runs',
      description:
        'Runs the caller may read, newest first, optionally of one creator and with some statuses (comma-separated or repeated); ' +
        'a conditional read decision (e.g. IS_TASK_OWNER) is applied in the query, so `totalTasks` counts only those.',
      query: listTasksQuery,
      response: { description: '`{ tasks, totalTasks }`', schema: jsonObject },
      permission: scaffolderTaskReadPermission,
    },
    async ({ query, authorizeConditional }) => {
      const status = query.status === undefined ? undefined : (Array.isArray(query.status) ? query.status : query.status.split(',')).filter(Boolean);
      const decision = await authorizeConditional();
      if (decision.result === 'DENY') return { tasks: [], totalTasks: 0 };
      let permission;
      if (decision.result === 'CONDITIONAL') {
        try {
          permission = toTaskPermissionQuery(decision.conditions);
        } catch {
          return { tasks: [], totalTasks: 0 }; // conditions the scaffolder does not know read nothing
        }
      }
      const { tasks, total } = await store.listTasks({ createdBy: query.createdBy, status, limit: query.limit, offset: query.offset, permission });
      return { tasks: tasks.map(t => serializeTask(t)), totalTasks: total };
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
      errors: { 403: 'The caller may not read it', 404: 'No such run' },
      permission: scaffolderTaskReadPermission,
    },
    ({ params, authorize }) => authorizedTask(params.taskId, authorize),
  );

  routes.route(
    {
      method: 'post',
      path: '/v2/tasks/:taskId/cancel',
      summary: 'Cancel a run',
      description: 'Stops a run that has not ended; its current step is asked to stop.',
      params: taskParams,
      response: { description: '`{ status }`', schema: jsonObject },
      errors: { 403: 'The caller may not cancel it', 404: 'No such run', 409: 'Already ended' },
      permission: scaffolderTaskCancelPermission,
    },
    async ({ params, authorize, req }) => {
      await authorizedTask(params.taskId, authorize);
      return audited(auditor, { action: scaffolderTaskCancelPermission.name, resourceRef: params.taskId, request: req }, () => service.cancel(params.taskId));
    },
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
      errors: { 403: 'The caller may not retry it', 404: 'No such run', 409: 'Not failed or cancelled' },
      permission: scaffolderTaskRetryPermission,
    },
    async ({ params, body, authorize, req }) => {
      await authorizedTask(params.taskId, authorize);
      return audited(auditor, { action: scaffolderTaskRetryPermission.name, resourceRef: params.taskId, request: req }, () =>
        service.retry(params.taskId, body.secrets),
      );
    },
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
      errors: { 403: 'The caller may not read it', 404: 'No such run' },
      permission: scaffolderTaskReadPermission,
    },
    async ({ params, query, authorize }) => {
      await authorizedTask(params.taskId, authorize);
      return service.events(params.taskId, query.after);
    },
  );

  routes.route(
    {
      method: 'get',
      path: '/v2/tasks/:taskId/eventstream',
      summary: 'Events of a run as server-sent events',
      description:
        'Every stored event after `after` (or Last-Event-ID), then new ones as they are committed, on whichever instance the run executes ' +
        '(announced through the events service); each id once and in order; ends after the completion event.',
      params: taskParams,
      query: afterQuery,
      response: { description: 'text/event-stream', contentType: 'text/event-stream', schema: z.string() },
      errors: { 403: 'The caller may not read it', 404: 'No such run' },
      permission: scaffolderTaskReadPermission,
    },
    async ({ params, query, req, res, authorize }) => {
      await authorizedTask(params.taskId, authorize); // 404 or 403 before the stream starts
      await streamTaskEvents(req, res, {
        source: { events: (id, after) => service.events(id, after), status: async id => (await store.getTask(id))?.status ?? 'cancelled' },
        feed: options.feed,
        taskId: params.taskId,
        after: query.after ?? (Number(req.get('last-event-id')) || 0),
        rereadMs: options.eventStreamRereadMs ?? 5000,
      });
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
      permission: scaffolderTemplateRunPermission,
    },
    async ({ body, credentials }) =>
      service.dryRun({ template: body.template, values: body.values as JsonObject, secrets: body.secrets, directoryContents: body.directoryContents }, await caller(credentials)),
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
    async ({ params: { namespace, kind, name }, credentials }) => service.parameterSchema(`${kind}:${namespace}/${name}`, await caller(credentials)),
  );

  routes.route(
    {
      method: 'get',
      path: '/v2/inbox',
      summary: 'What waits for the current user',
      description: 'Approvals and input requests waiting for the current user (or their groups).',
      response: { description: '`{ items }`', schema: z.object({ items: jsonArray }) },
    },
    async ({ credentials }) => ({ items: await service.inbox(await caller(credentials)) }),
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
        errors: {
          403: decision === 'approve' ? 'Not an assignee, or the one who started the run' : 'Not an assignee',
          404: 'No such run or step',
          409: 'Answered already or expired',
        },
        ...(decision === 'submit' ? {} : { permission: scaffolderApprovalDecidePermission }),
      },
      async ({ params: { taskId, stepId }, body, req, credentials }) => {
        const who = await caller(credentials);
        if (decision === 'approve') {
          const task = await service.getTask(taskId);
          // the assignees' check (a group the caller is in) is the service's; this one is about the caller
          if (task.createdBy && who.userEntityRef && task.createdBy.toLowerCase() === who.userEntityRef.toLowerCase()) {
            throw new NotAllowedError(`${who.userEntityRef} started this run and may not approve its own request`);
          }
        }
        const action = decision === 'submit' ? 'scaffolder.input.submit' : scaffolderApprovalDecidePermission.name;
        return audited(auditor, { action, resourceRef: taskId, request: req, meta: { stepId, decision } }, () =>
          service.answer(taskId, stepId, { decision, values: body.values as JsonObject | undefined, comment: body.comment }, who),
        );
      },
    );
  }

  return routes.router;
}
