import { z } from 'zod';
import { decisionBody, evaluateBody, exemptionBody, factsBody, initiativeBody } from './schemas';

const body = (schema: z.ZodType) => ({
  required: true,
  content: { 'application/json': { schema: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) } },
});
const json = (description: string, schema: object = { type: 'object' }) => ({ description, content: { 'application/json': { schema } } });
const error = json('Bad input: the message names the field', { $ref: '#/components/schemas/Error' });
const notFound = json('Not found', { $ref: '#/components/schemas/Error' });
const path = (...names: string[]) => names.map(name => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
const query = (name: string, description: string, schema: object = { type: 'string' }) => ({ name, in: 'query', required: false, description, schema });
const items = (ref: string) => ({ type: 'object', properties: { items: { type: 'array', items: { $ref: `#/components/schemas/${ref}` } } } });

/** The scorecards HTTP API as an OpenAPI 3.1 document, served at /api/scorecards/openapi.json. */
export const scorecardsOpenApi = {
  openapi: '3.1.0',
  info: {
    title: 'Portico scorecards',
    version: '1.0.0',
    description: 'Scorecards, their stored results and trends, facts, exemptions, initiatives and notifications.',
  },
  servers: [{ url: '/api/scorecards' }],
  paths: {
    '/scorecards': { get: { summary: 'List scorecards with their level distribution and errors', responses: { 200: json('Scorecards', items('ScorecardSummary')) } } },
    '/scorecards/{namespace}/{name}': {
      get: { summary: 'One scorecard', parameters: path('namespace', 'name'), responses: { 200: json('The scorecard', { $ref: '#/components/schemas/ScorecardSummary' }), 404: notFound } },
    },
    '/scorecards/{namespace}/{name}/results': {
      get: {
        summary: 'Entities of a scorecard with level, score and failing rules (cursor pagination)',
        parameters: [
          ...path('namespace', 'name'),
          query('level', 'Only entities at this level (`none` for below every level)'),
          query('owner', 'Only entities of this owner (`group:default/team-a` or `team-a`)'),
          query('failingRule', 'Only entities where this rule does not pass'),
          query('cursor', 'From `pageInfo.nextCursor` of the previous page'),
          query('limit', 'Page size, 1-1000 (default 50)', { type: 'integer', minimum: 1, maximum: 1000 }),
        ],
        responses: { 200: json('A page of entity scores', { $ref: '#/components/schemas/ResultsPage' }), 400: error, 404: notFound, 409: json('The scorecard is invalid') },
      },
    },
    '/scorecards/{namespace}/{name}/trends': {
      get: {
        summary: 'Level distribution and average score after each full evaluation',
        parameters: [...path('namespace', 'name'), query('since', 'ISO date-time'), query('until', 'ISO date-time')],
        responses: { 200: json('Trend points', items('TrendPoint')), 400: error, 404: notFound },
      },
    },
    '/scorecards/{namespace}/{name}/entities/{kind}/{entityNamespace}/{entityName}/history': {
      get: { summary: "Changes of an entity's rule results on a scorecard, newest first", parameters: path('namespace', 'name', 'kind', 'entityNamespace', 'entityName'), responses: { 200: json('Rule result changes', items('RuleResult')) } },
    },
    '/entities/{kind}/{namespace}/{name}': {
      get: { summary: "An entity's level, score and rule results on every scorecard", parameters: path('kind', 'namespace', 'name'), responses: { 200: json('The entity on its scorecards') } },
    },
    '/entities/{kind}/{namespace}/{name}/facts': {
      get: { summary: "An entity's latest facts, or one fact's history with `?name=`", parameters: [...path('kind', 'namespace', 'name'), query('name', 'A fact name for its history')], responses: { 200: json('Facts', items('Fact')) } },
    },
    '/facts': {
      post: {
        summary: 'Push facts about an entity from an external system; the entity is re-evaluated within seconds',
        requestBody: body(factsBody),
        responses: { 202: json('Accepted', { type: 'object', properties: { entityRef: { type: 'string' }, accepted: { type: 'array', items: { type: 'string' } } } }), 400: error },
      },
    },
    '/evaluate': {
      post: { summary: 'Evaluate a scorecard and/or an entity now and return the results', requestBody: body(evaluateBody), responses: { 200: json('Results'), 400: error, 404: notFound } },
    },
    '/exemptions': {
      get: {
        summary: 'List exemptions',
        parameters: [query('scorecardRef', 'Scorecard ref'), query('entityRef', 'Entity ref'), query('status', 'pending, approved or rejected')],
        responses: { 200: json('Exemptions', items('Exemption')) },
      },
      post: { summary: 'Request an exemption (the scorecard owner is notified)', requestBody: body(exemptionBody), responses: { 201: json('The pending exemption', { $ref: '#/components/schemas/Exemption' }), 400: error, 404: notFound } },
    },
    '/exemptions/{id}': { get: { summary: 'One exemption', parameters: path('id'), responses: { 200: json('The exemption', { $ref: '#/components/schemas/Exemption' }), 404: notFound } } },
    '/exemptions/{id}/decision': {
      post: {
        summary: "Approve or reject a pending exemption (the scorecard's owner, or the `scorecards.exemption.decide` permission)",
        parameters: path('id'),
        requestBody: body(decisionBody),
        responses: { 200: json('The decided exemption', { $ref: '#/components/schemas/Exemption' }), 400: error, 403: json('Not allowed'), 404: notFound },
      },
    },
    '/initiatives': {
      get: { summary: 'List initiatives', parameters: [query('scorecardRef', 'Scorecard ref')], responses: { 200: json('Initiatives') } },
      post: { summary: 'Create an initiative', requestBody: body(initiativeBody), responses: { 201: json('The initiative'), 400: error, 404: notFound } },
    },
    '/initiatives/{id}': {
      get: { summary: 'An initiative with its progress over time and the entities still below the target', parameters: path('id'), responses: { 200: json('Progress'), 404: notFound } },
      delete: { summary: 'Delete an initiative', parameters: path('id'), responses: { 204: { description: 'Deleted' }, 404: notFound } },
    },
    '/notifications': {
      get: {
        summary: "The caller's notifications (their user and groups), or a recipient's with `?recipient=`",
        parameters: [query('recipient', 'A user or group ref'), query('unread', '`true` for unread only'), query('limit', '1-500', { type: 'integer' })],
        responses: { 200: json('Notifications', items('Notification')) },
      },
    },
    '/notifications/{id}/read': { post: { summary: 'Mark a notification read (its recipient only)', parameters: path('id'), responses: { 204: { description: 'Marked' }, 403: json('Not a recipient'), 404: notFound } } },
  },
  components: {
    schemas: {
      Error: {
        type: 'object',
        properties: { error: { type: 'object', properties: { name: { type: 'string' }, message: { type: 'string' }, details: {} } } },
      },
      ScorecardSummary: {
        type: 'object',
        properties: {
          ref: { type: 'string' }, name: { type: 'string' }, namespace: { type: 'string' }, title: { type: 'string' },
          spec: { type: 'object' }, errors: { type: 'array', items: { type: 'string' } },
          distribution: { type: 'object', additionalProperties: { type: 'integer' } }, lastEvaluatedAt: { type: 'string', format: 'date-time' },
        },
      },
      RuleResult: {
        type: 'object',
        properties: {
          ruleId: { type: 'string' }, status: { enum: ['pass', 'fail', 'unknown'] }, evidence: { type: 'object' },
          message: { type: 'string' }, exempted: { type: 'boolean' }, evaluatedAt: { type: 'string', format: 'date-time' },
        },
      },
      EntityScore: {
        type: 'object',
        properties: {
          scorecardRef: { type: 'string' }, entityRef: { type: 'string' }, level: { type: ['string', 'null'] }, levelRank: { type: 'integer' },
          score: { type: 'number', minimum: 0, maximum: 1 }, passed: { type: 'integer' }, failed: { type: 'integer' }, unknown: { type: 'integer' },
          owner: { type: 'string' }, failingRules: { type: 'array', items: { type: 'string' } }, evaluatedAt: { type: 'string', format: 'date-time' },
        },
      },
      ResultsPage: {
        type: 'object',
        properties: {
          items: { type: 'array', items: { $ref: '#/components/schemas/EntityScore' } },
          totalItems: { type: 'integer' },
          pageInfo: { type: 'object', properties: { nextCursor: { type: 'string' } } },
        },
      },
      TrendPoint: {
        type: 'object',
        properties: { time: { type: 'string', format: 'date-time' }, total: { type: 'integer' }, averageScore: { type: 'number' }, levels: { type: 'object', additionalProperties: { type: 'integer' } } },
      },
      Fact: {
        type: 'object',
        properties: { entityRef: { type: 'string' }, name: { type: 'string' }, value: {}, source: { type: 'string' }, collectedAt: { type: 'string', format: 'date-time' } },
      },
      Exemption: {
        type: 'object',
        properties: {
          id: { type: 'string' }, scorecardRef: { type: 'string' }, entityRef: { type: 'string' }, ruleId: { type: 'string' }, reason: { type: 'string' },
          expiresAt: { type: 'string', format: 'date-time' }, status: { enum: ['pending', 'approved', 'rejected'] }, requestedBy: { type: 'string' },
          decidedBy: { type: 'string' }, decidedAt: { type: 'string', format: 'date-time' }, comment: { type: 'string' }, createdAt: { type: 'string', format: 'date-time' },
        },
      },
      Notification: {
        type: 'object',
        properties: {
          id: { type: 'string' }, recipient: { type: 'string' }, kind: { enum: ['level-dropped', 'exemption-requested', 'exemption-decided', 'initiative-reminder'] },
          title: { type: 'string' }, body: { type: 'string' }, link: { type: 'string' }, createdAt: { type: 'string', format: 'date-time' }, readAt: { type: 'string', format: 'date-time' },
        },
      },
    },
  },
};
