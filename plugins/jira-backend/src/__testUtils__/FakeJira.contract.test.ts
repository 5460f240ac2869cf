import fs from 'node:fs';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { jiraSiteConfigSchema } from '../integration/config';
import { JiraClient } from '../integration/JiraClient';
import { FakeJira } from './FakeJira';
import { seedJira } from './seedJira';

// The Jira Cloud platform REST API description (../shared/vendor-specs/README.md beside the checkout, or
// $PORTICO_VENDOR_SPECS), read once per file.
const specFile = path.join(process.env.PORTICO_VENDOR_SPECS ?? path.resolve(__dirname, '../../../../../shared/vendor-specs'), 'jira-cloud-platform-swagger.v3.json');
type Operation = { requestBody?: { content?: Record<string, { schema: unknown }> }; responses: Record<string, { content?: Record<string, { schema: unknown }> }> };
const spec = JSON.parse(fs.readFileSync(specFile, 'utf8')) as { paths: Record<string, Record<string, Operation>>; components: Record<string, unknown> };

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
// Jira writes date-times as `2026-12-01T10:00:00.000+0000` (no colon in the offset) although the description says
// `date-time`: accept what Jira really sends.
ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)$/);

function operation(specPath: string, method: string): Operation {
  const op = spec.paths[specPath]?.[method];
  if (!op) throw new Error(`No operation ${method.toUpperCase()} ${specPath} in Jira's OpenAPI description`);
  return op;
}
const compile = (schema: unknown): ValidateFunction => ajv.compile({ allOf: [schema], components: spec.components });
function responseValidator(specPath: string, method: string, status: string): ValidateFunction {
  const schema = operation(specPath, method).responses[status]?.content?.['application/json']?.schema;
  if (!schema) throw new Error(`No ${status} JSON response for ${method.toUpperCase()} ${specPath}`);
  return compile(schema);
}
function requestValidator(specPath: string, method: string): ValidateFunction {
  const schema = operation(specPath, method).requestBody?.content?.['application/json']?.schema;
  if (!schema) throw new Error(`No JSON request body for ${method.toUpperCase()} ${specPath}`);
  return compile(schema);
}
const schemaRef = (name: string) => compile({ $ref: `#/components/schemas/${name}` });

function expectValid(validate: ValidateFunction, value: unknown, what: string): void {
  const ok = validate(value);
  if (!ok) throw new Error(`${what} does not match Jira's description: ${ajv.errorsText(validate.errors, { separator: '\n' })}\n${JSON.stringify(value).slice(0, 800)}`);
}

/**
 * The enhanced search is newer than the description above (README of vendor-specs). Its shapes as Atlassian's REST
 * reference for "Search for issues using JQL enhanced search (POST)" and "Count issues using JQL" documents them
 * and as jira.js 5.x types them (SearchAndReconcileRequestBean / SearchAndReconcileResults and
 * JQLCountRequestBean / JQLCountResultsBean), written out by hand below: jira.js is not a dependency and its types
 * are not read here. The request takes jql, nextPageToken, maxResults, fields, expand,
 * properties, fieldsByKeys, failFast and reconcileIssues, nothing else; the answer holds issues (IssueBean),
 * nextPageToken (absent on the last page) and isLast; the count request takes jql and answers { count }.
 */
const enhancedSearchRequest = compile({
  type: 'object',
  additionalProperties: false,
  properties: {
    jql: { type: 'string' },
    nextPageToken: { type: 'string' },
    maxResults: { type: 'integer', minimum: 0, maximum: 5000 },
    fields: { type: 'array', items: { type: 'string' } },
    expand: { type: 'string' },
    properties: { type: 'array', items: { type: 'string' } },
    fieldsByKeys: { type: 'boolean' },
    failFast: { type: 'boolean' },
    reconcileIssues: { type: 'array', items: { type: 'integer' } },
  },
});
const enhancedSearchResponse = compile({
  type: 'object',
  additionalProperties: false,
  required: ['issues'],
  properties: {
    issues: { type: 'array', items: { $ref: '#/components/schemas/IssueBean' } },
    nextPageToken: { type: 'string' },
    isLast: { type: 'boolean' },
    names: { type: 'object' },
    schema: { type: 'object' },
  },
});
const countRequest = compile({ type: 'object', additionalProperties: false, required: ['jql'], properties: { jql: { type: 'string' } } });
const countResponse = compile({ type: 'object', additionalProperties: false, required: ['count'], properties: { count: { type: 'integer', minimum: 0 } } });

async function call(fake: FakeJira, method: string, urlPath: string, body?: unknown, auth = true): Promise<{ status: number; body: unknown }> {
  const authorization = fake.kind === 'cloud' ? `Basic ${Buffer.from('bot@acme.test:good-token').toString('base64')}` : 'Bearer good-pat';
  const res = await fetch(`${fake.url}${urlPath}`, {
    method,
    headers: { ...(auth ? { authorization } : {}), accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: await res.json() };
}

describe('FakeJira (Cloud) against the Jira Cloud platform description', () => {
  const fake = new FakeJira({ kind: 'cloud' });
  let client: JiraClient;
  beforeAll(async () => {
    await fake.start();
    seedJira(fake);
    fake.addProject('BIG');
    for (let i = 0; i < 120; i++) fake.addIssue('BIG', { summary: `Issue ${i}`, type: 'Bug', labels: ['l'], components: ['c'] });
    client = new JiraClient(jiraSiteConfigSchema.parse(fake.site()));
  });
  afterAll(() => fake.stop());
  beforeEach(() => void (fake.requests.length = 0));

  it('answers projects, the current user and the user search in the described shapes', async () => {
    const project = await call(fake, 'GET', '/rest/api/3/project/PAY');
    expect(project.status).toBe(200);
    expectValid(responseValidator('/rest/api/3/project/{projectIdOrKey}', 'get', '200'), project.body, 'GET project');
    expectValid(responseValidator('/rest/api/3/myself', 'get', '200'), (await call(fake, 'GET', '/rest/api/3/myself')).body, 'GET myself');
    const users = await call(fake, 'GET', '/rest/api/3/user/search?query=alice@acme.test');
    expect((users.body as unknown[]).length).toBe(1);
    expectValid(responseValidator('/rest/api/3/user/search', 'get', '200'), users.body, 'GET user/search');
    const missing = await call(fake, 'GET', '/rest/api/3/project/NOPE');
    expect(missing.status).toBe(404);
    expectValid(schemaRef('ErrorCollection'), missing.body, 'a 404');
    const unauthenticated = await call(fake, 'GET', '/rest/api/3/myself', undefined, false);
    expect(unauthenticated.status).toBe(401);
    expectValid(schemaRef('ErrorCollection'), unauthenticated.body, 'a 401');
  });

  it('takes the issue the client creates and the comment it adds, and answers them as described', async () => {
    const created = await client.createIssue({ projectKey: 'PAY', issueType: 'Task', summary: 'Contract', descriptionMarkdown: '**bold** and [a link](https://acme.test)', labels: ['a'], components: ['payments-api'], assignee: 'alice@acme.test', priority: 'High' });
    const [createRequest] = fake.requestsTo('/rest/api/3/issue');
    expectValid(requestValidator('/rest/api/3/issue', 'post'), createRequest.body, 'the client\'s POST issue');
    const answer = await call(fake, 'POST', '/rest/api/3/issue', createRequest.body);
    expect(answer.status).toBe(201);
    expectValid(responseValidator('/rest/api/3/issue', 'post', '201'), answer.body, 'POST issue 201');
    const refused = await call(fake, 'POST', '/rest/api/3/issue', { fields: { project: { key: 'DOCS' }, issuetype: { name: 'Task' }, summary: 'x' } });
    expect(refused.status).toBe(400);
    expectValid(responseValidator('/rest/api/3/issue', 'post', '400'), refused.body, 'POST issue 400');

    await client.addComment({ issueKey: created.key, bodyMarkdown: 'Done: `x`' });
    const [commentRequest] = fake.requestsTo(`/rest/api/3/issue/${created.key}/comment`);
    expectValid(requestValidator('/rest/api/3/issue/{issueIdOrKey}/comment', 'post'), commentRequest.body, 'the client\'s POST comment');
    const comment = await call(fake, 'POST', `/rest/api/3/issue/${created.key}/comment`, commentRequest.body);
    expect(comment.status).toBe(201);
    expectValid(responseValidator('/rest/api/3/issue/{issueIdOrKey}/comment', 'post', '201'), comment.body, 'POST comment 201');
  });

  it('pages the enhanced search with nextPageToken to the last page, in the documented shapes', async () => {
    const result = await client.search({ jql: 'project = "BIG" ORDER BY created ASC', fields: ['summary', 'issuetype', 'priority', 'status', 'assignee', 'created', 'labels', 'components'], pageSize: 50, maxItems: 1000, what: 'BIG' });
    expect(result.issues).toHaveLength(120);
    const pages = fake.requestsTo('/rest/api/3/search/jql');
    expect(pages).toHaveLength(3);
    for (const page of pages) expectValid(enhancedSearchRequest, page.body, 'the client\'s enhanced search request');
    const answers = [];
    for (const page of pages) answers.push((await call(fake, 'POST', '/rest/api/3/search/jql', page.body)).body as { issues: unknown[]; isLast: boolean; nextPageToken?: string });
    for (const answer of answers) expectValid(enhancedSearchResponse, answer, 'an enhanced search page');
    expect(answers.map(a => [a.issues.length, a.isLast, typeof a.nextPageToken])).toEqual([
      [50, false, 'string'],
      [50, false, 'string'],
      [20, true, 'undefined'],
    ]);
    expect((pages[1].body as { nextPageToken: string }).nextPageToken).toBe(answers[0].nextPageToken);
    // Without fields, only ids.
    const bare = (await call(fake, 'POST', '/rest/api/3/search/jql', { jql: 'project = BIG', maxResults: 2 })).body as { issues: unknown[] };
    expect(bare.issues).toEqual([{ id: expect.any(String) }, { id: expect.any(String) }]);
    expectValid(enhancedSearchResponse, bare, 'an id-only page');
  });

  it('counts with the approximate count in the documented shapes, and rejects bad JQL with an error collection', async () => {
    expect(await client.count({ jql: 'project = BIG AND labels = "l"', what: 'BIG' })).toBe(120);
    const [countCall] = fake.requestsTo('/rest/api/3/search/approximate-count');
    expectValid(countRequest, countCall.body, 'the client\'s count request');
    expectValid(countResponse, (await call(fake, 'POST', '/rest/api/3/search/approximate-count', countCall.body)).body, 'a count');
    const bad = await call(fake, 'POST', '/rest/api/3/search/jql', { jql: 'project = BIG AND (', fields: ['summary'] });
    expect(bad.status).toBe(400);
    expectValid(schemaRef('ErrorCollection'), { errorMessages: (bad.body as { errorMessages: string[] }).errorMessages, errors: {} }, 'a rejected query');
  });
});

describe('FakeJira (Data Center) against the search results description', () => {
  // Data Center's GET /rest/api/2/search answers the SearchResults shape that Cloud's legacy GET /rest/api/3/search
  // is described with (startAt, maxResults, total, issues).
  const fake = new FakeJira({ kind: 'datacenter' });
  beforeAll(async () => {
    await fake.start();
    fake.addProject('OPS');
    for (let i = 0; i < 130; i++) fake.addIssue('OPS', { summary: `Issue ${i}` });
  });
  afterAll(() => fake.stop());

  it('pages with startAt/maxResults/total to the last page', async () => {
    const client = new JiraClient(jiraSiteConfigSchema.parse(fake.site()));
    const result = await client.search({ jql: 'project = OPS', fields: ['summary', 'status', 'created'], pageSize: 60, maxItems: 1000, what: 'OPS' });
    expect(result.issues).toHaveLength(130);
    expect(result.total).toBe(130);
    const pages = fake.requestsTo('/rest/api/2/search');
    expect(pages.map(p => p.query.startAt)).toEqual(['0', '60', '120']);
    const validate = responseValidator('/rest/api/3/search', 'get', '200');
    for (const page of pages) {
      const answer = await call(fake, 'GET', `/rest/api/2/search?${new URLSearchParams(page.query as Record<string, string>)}`);
      expectValid(validate, answer.body, `a page from ${page.query.startAt}`);
    }
    expect(await client.count({ jql: 'project = OPS', what: 'OPS' })).toBe(130);
  });
});
