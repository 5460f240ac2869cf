import { z } from 'zod';
import { answerBody, createTaskBody, dryRunBody, retryBody } from './requestSchemas';

const json = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
const ok = (description: string) => ({ description, content: { 'application/json': { schema: { type: 'object' } } } });
const errors = {
  '400': { description: 'Invalid input: `{ error: { name, message, details } }`' },
  '404': { description: 'Not found' },
};
const taskId = { name: 'taskId', in: 'path', required: true, schema: { type: 'string' } };

/** The OpenAPI 3.1 description of /api/scaffolder. */
export function buildOpenApiDocument() {
  return {
    openapi: '3.1.0',
    info: { title: 'Portico scaffolder', version: '0.1.0', description: 'Templates, durable runs, approvals and input requests. Follows Backstage scaffolder v2 routes where they overlap.' },
    servers: [{ url: '/api/scaffolder' }],
    paths: {
      '/v2/actions': { get: { summary: 'List installed actions with their input/output JSON Schemas', responses: { '200': ok('Actions') } } },
      '/v2/tasks': {
        get: {
          summary: 'List runs',
          parameters: [
            { name: 'createdBy', in: 'query', schema: { type: 'string' } },
            { name: 'status', in: 'query', schema: { type: 'string' }, description: 'Comma-separated statuses' },
            { name: 'limit', in: 'query', schema: { type: 'integer', maximum: 500 } },
            { name: 'offset', in: 'query', schema: { type: 'integer' } },
          ],
          responses: { '200': ok('`{ tasks, totalTasks }`'), ...errors },
        },
        post: {
          summary: 'Start a run of a template from the catalog',
          requestBody: { required: true, content: { 'application/json': { schema: json(createTaskBody) } } },
          responses: { '201': ok('`{ id }`'), ...errors },
        },
      },
      '/v2/tasks/{taskId}': { get: { summary: 'A run with its steps', parameters: [taskId], responses: { '200': ok('Task'), ...errors } } },
      '/v2/tasks/{taskId}/cancel': { post: { summary: 'Cancel a run', parameters: [taskId], responses: { '200': ok('`{ status }`'), '409': { description: 'Already ended' }, ...errors } } },
      '/v2/tasks/{taskId}/retry': {
        post: {
          summary: 'Retry a failed or cancelled run from its first step that did not complete',
          parameters: [taskId],
          requestBody: { content: { 'application/json': { schema: json(retryBody) } } },
          responses: { '201': ok('`{ id }`'), '409': { description: 'Not failed or cancelled' }, ...errors },
        },
      },
      '/v2/tasks/{taskId}/events': {
        get: { summary: 'Events of a run', parameters: [taskId, { name: 'after', in: 'query', schema: { type: 'integer' } }], responses: { '200': ok('Events'), ...errors } },
      },
      '/v2/tasks/{taskId}/eventstream': {
        get: {
          summary: 'Events of a run as server-sent events; ends after the completion event',
          parameters: [taskId, { name: 'after', in: 'query', schema: { type: 'integer' } }],
          responses: { '200': { description: 'text/event-stream', content: { 'text/event-stream': { schema: { type: 'string' } } } }, ...errors },
        },
      },
      '/v2/dry-run': {
        post: {
          summary: 'Run a template now without side effects (only actions that support dry run execute)',
          requestBody: { required: true, content: { 'application/json': { schema: json(dryRunBody) } } },
          responses: { '200': ok('`{ status, output, steps, log, directoryContents }`'), ...errors },
        },
      },
      '/v2/templates/{namespace}/{kind}/{name}/parameter-schema': {
        get: {
          summary: 'The form pages of a template',
          parameters: ['namespace', 'kind', 'name'].map(name => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
          responses: { '200': ok('`{ title, description, steps: [{ title, description, schema }] }`'), ...errors },
        },
      },
      '/v2/inbox': { get: { summary: 'Approvals and input requests waiting for the current user (or their groups)', responses: { '200': ok('`{ items }`') } } },
      ...Object.fromEntries(
        (['approve', 'reject', 'submit'] as const).map(decision => [
          `/v2/tasks/{taskId}/steps/{stepId}/${decision}`,
          {
            post: {
              summary: decision === 'submit' ? 'Submit the form of an input request' : `${decision[0].toUpperCase()}${decision.slice(1)} an approval request`,
              parameters: [taskId, { name: 'stepId', in: 'path', required: true, schema: { type: 'string' } }],
              requestBody: { content: { 'application/json': { schema: json(answerBody) } } },
              responses: { '200': ok('`{ status }`'), '403': { description: 'Not an assignee' }, '409': { description: 'Answered already or expired' }, ...errors },
            },
          },
        ]),
      ),
    },
  };
}
