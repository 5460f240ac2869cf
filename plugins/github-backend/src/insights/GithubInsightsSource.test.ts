import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { Webhooks } from '@octokit/webhooks';
import { catalogPlugin } from '@portico/plugin-catalog-backend';
import type { InsightsSource } from '@portico/plugin-insights-node';
import { eventually, startTestBackend, type TestBackend } from '@portico/test-utils';
import githubFeatures from '../index';
import { FakeGithub, type FakeRepo } from '../__testUtils__/FakeGithub';
import { MemoryCheckpoint, recordingInsights, type RecordingSink } from '@portico/plugin-insights-node';
import { entityRefs, WEBHOOK_SECRET } from '../__testUtils__/startGithubBackend';

type Example = { name: string; examples: Array<Record<string, any>> }; // eslint-disable-line @typescript-eslint/no-explicit-any
const examples = require('@octokit/webhooks-examples/api.github.com/index.json') as Example[];
const example = (name: string, match: (e: Example['examples'][number]) => boolean = () => true) => structuredClone(examples.find(e => e.name === name)!.examples.find(match)!);

const DAY = 86_400_000;
/** One instant for every date of the fixtures: two calls of Date.now() a millisecond apart put 1 ms into differences the tests compare. */
const NOW = Date.now();
const ago = (days: number, hours = 0) => new Date(NOW - days * DAY + hours * 3_600_000).toISOString();
const component = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n`;
const signer = new Webhooks({ secret: WEBHOOK_SECRET });
let deliveries = 0;

async function deliver(backend: TestBackend, event: string, payload: unknown) {
  const body = JSON.stringify(payload);
  return request(backend.server)
    .post('/api/github/webhooks')
    .set('content-type', 'application/json')
    .set('x-github-event', event)
    .set('x-github-delivery', `insights-${++deliveries}`)
    .set('x-hub-signature-256', await signer.sign(body))
    .send(body)
    .expect(202);
}

/** The catalog (discovering org acme, plus a file location), the GitHub bundle against the fake and a recording insights plugin. */
async function start(fake: FakeGithub, extraEntities: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'github-insights-'));
  fs.writeFileSync(path.join(dir, 'catalog.yaml'), extraEntities);
  const insights = recordingInsights();
  const backend = await startTestBackend({
    features: [catalogPlugin, githubFeatures, insights.plugin],
    config: {
      // No retries of 5xx: the resume test needs its one failure to stop the backfill.
      integrations: { github: [{ host: 'github.com', apiBaseUrl: fake.url, token: 'good', writeIntervalMs: 0, serverErrorRetries: 0 }] },
      github: { webhookSecret: WEBHOOK_SECRET, insights: { workflows: ['deploy.yml'] } },
      catalog: { providers: { github: { acme: { organization: 'acme' } } }, locations: [{ type: 'file', target: path.join(dir, 'catalog.yaml') }], processingInterval: 'PT1H' },
    },
  });
  const source = insights.sources.find(s => s.id === 'github');
  if (!source) throw new Error('the GitHub insights source was not contributed');
  return { backend, source, sink: insights.sink, stop: () => Promise.all([backend.stop(), fs.promises.rm(dir, { recursive: true, force: true })]) };
}

describe('the GitHub insights source', () => {
  let fake: FakeGithub;
  let shop: FakeRepo;
  let payments: FakeRepo;
  let backend: TestBackend;
  let source: InsightsSource;
  let sink: RecordingSink;
  let stop: () => Promise<unknown>;

  beforeEach(async () => {
    fake = await new FakeGithub().start();
    // Pages of 10 (GitHub's are 100): the payments repository's 15 pull requests take two.
    fake.maxPerPage = 10;
    shop = fake.addRepo('acme', 'shop', { files: { 'catalog-info.yaml': component('shop'), '.github/workflows/deploy.yml': 'on: push\n' } });
    const [alice, bob] = ['alice', 'bob'];
    fake.addPull(shop, {
      title: 'merged, reviewed',
      user: alice,
      state: 'closed',
      createdAt: ago(10),
      mergedAt: ago(9),
      closedAt: ago(9),
      additions: 30,
      deletions: 5,
      firstCommitAt: ago(11),
      reviews: [
        { user: alice, state: 'COMMENTED', submittedAt: ago(10, 1) },
        { user: bob, state: 'APPROVED', submittedAt: ago(10, 3) },
      ],
    });
    fake.addPull(shop, { title: 'open', user: bob, createdAt: ago(2), reviews: [{ user: alice, state: 'COMMENTED', submittedAt: ago(1) }] });
    fake.addPull(shop, { title: 'closed unmerged', state: 'closed', createdAt: ago(5), closedAt: ago(4) });
    fake.addPull(shop, { title: 'merged before the window', state: 'closed', createdAt: ago(130), mergedAt: ago(120), closedAt: ago(120) });
    fake.addDeployment(shop, { environment: 'production', ref: 'v1.0.0', createdAt: ago(8), statuses: [{ state: 'in_progress', createdAt: ago(8) }, { state: 'success', createdAt: ago(8, 1) }] });
    fake.addDeployment(shop, { environment: 'staging', createdAt: ago(7), statuses: [{ state: 'failure', createdAt: ago(7, 1) }] });
    fake.addDeployment(shop, { environment: 'production', createdAt: ago(0, -1), statuses: [{ state: 'pending', createdAt: ago(0, -1) }] });
    fake.addDeployment(shop, { environment: 'production', createdAt: ago(100), statuses: [{ state: 'success', createdAt: ago(100) }] });
    fake.addWorkflowRun(shop, { path: '.github/workflows/deploy.yml', createdAt: ago(6), updatedAt: ago(6, 1) });
    fake.addWorkflowRun(shop, { path: '.github/workflows/deploy.yml', headBranch: 'feature', createdAt: ago(5) });
    fake.addWorkflowRun(shop, { path: '.github/workflows/deploy.yml', conclusion: 'failure', createdAt: ago(4) });
    fake.addWorkflowRun(shop, { path: '.github/workflows/ci.yml', createdAt: ago(3) });
    payments = fake.addRepo('acme', 'payments', { files: { 'catalog-info.yaml': component('payments') } });
    for (let i = 0; i < 15; i++) fake.addPull(payments, { title: `change ${i}`, state: 'closed', createdAt: ago(60 - i), mergedAt: ago(60 - i, 5), closedAt: ago(60 - i, 5) });
    // Not in the catalog through discovery (no catalog-info.yaml); the file location's `legacy` points at it without the annotation.
    fake.addRepo('acme', 'legacy', { pulls: [{ title: 'unseen', state: 'closed', createdAt: ago(3), mergedAt: ago(2), closedAt: ago(2) }] });
    const legacy = component('legacy').replace('metadata:\n', 'metadata:\n  annotations:\n    backstage.io/source-location: url:https://github.com/acme/legacy/\n');
    // Annotated with a repository GitHub does not have (deleted, or not visible to the token).
    const gone = component('gone').replace('metadata:\n', 'metadata:\n  annotations:\n    github.com/project-slug: acme/gone\n');
    ({ backend, source, sink, stop } = await start(fake, `${legacy}---\n${gone}`));
    await eventually(async () => expect(await entityRefs(backend)).toEqual(['component:default/gone', 'component:default/legacy', 'component:default/payments', 'component:default/shop']));
  });

  afterEach(async () => {
    await stop();
    await fake.stop();
  });

  const since = () => new Date(Date.now() - 90 * DAY);

  it('backfills the pull requests and deployments of annotated repositories over the window', async () => {
    await source.backfill!({ sink, since: since(), checkpoint: new MemoryCheckpoint() });

    const prs = sink.pullRequests().filter(p => p.entityRef === 'component:default/shop');
    expect(prs.map(p => [p.id, p.title])).toEqual([
      ['acme/shop#1', 'merged, reviewed'],
      ['acme/shop#2', 'open'],
    ]);
    expect(prs[0]).toMatchObject({ author: 'alice', reviewers: ['bob'], createdAt: shop.pulls[0].createdAt, mergedAt: shop.pulls[0].mergedAt, additions: 30, deletions: 5, firstCommitAt: shop.pulls[0].firstCommitAt });
    expect(Date.parse(prs[0].firstReviewAt!) - Date.parse(prs[0].createdAt)).toBe(3 * 3_600_000);
    // The list has no sizes and open PRs are not fetched one by one: unknown, not 0.
    expect(prs[1]).toMatchObject({ author: 'bob', reviewers: ['alice'], mergedAt: null, additions: null, deletions: null, firstCommitAt: null });
    expect(sink.pullRequests().filter(p => p.entityRef === 'component:default/payments')).toHaveLength(15);

    expect(sink.deployments().map(d => [d.id, d.environment, d.status, d.version])).toEqual([
      [`acme/shop/actions/runs/${shop.workflowRuns[0].id}`, 'production', 'succeeded', 'run 1'],
      [`acme/shop/deployments/${shop.deployments[0].id}`, 'production', 'succeeded', 'v1.0.0'],
      [`acme/shop/deployments/${shop.deployments[1].id}`, 'staging', 'failed', 'main'],
    ]);
    expect(sink.deployments()[0]).toMatchObject({ commitSha: shop.workflowRuns[0].headSha, finishedAt: shop.workflowRuns[0].updatedAt });
    // A repository that is gone is said once and skipped; the run succeeds.
    expect(backend.logger!.messages('warn')).toContainEqual(expect.stringMatching(/^GitHub insights: acme\/gone skipped: /));
    // Single PRs and first commits only for the merged ones inside the window.
    const singles = fake.requests.filter(r => /^\/repos\/acme\/shop\/pulls\/\d+(\/commits)?(\?|$)/.test(r.path)).map(r => r.path.split('?')[0]);
    expect(singles.sort()).toEqual(['/repos/acme/shop/pulls/1', '/repos/acme/shop/pulls/1/commits']);
  });

  it('ignores an entity without the annotation, even when its source is on GitHub', async () => {
    await source.backfill!({ sink, since: since(), checkpoint: new MemoryCheckpoint() });
    expect([...new Set(sink.pullRequests().map(p => p.entityRef))]).toEqual(['component:default/payments', 'component:default/shop']);
    // Discovery looked for its catalog-info.yaml; the source asked nothing about it.
    expect(fake.requests.filter(r => r.path.startsWith('/repos/acme/legacy') && !r.path.startsWith('/repos/acme/legacy/contents/'))).toEqual([]);
  });

  it('resumes after a failure midway from its checkpoint, reading no page twice and writing nothing twice', async () => {
    const checkpoint = new MemoryCheckpoint();
    fake.failNext({ path: /^\/repos\/acme\/payments\/pulls$/, query: { page: '2' }, status: 500, message: 'Server Error' });
    await expect(source.backfill!({ sink, since: since(), checkpoint })).rejects.toThrow(/GitHub insights backfill failed for 1 of 3 repositories: acme\/payments: .*Server Error/);
    // Page 1 (10 PRs) was written and checkpointed; the other repository was read all the same.
    expect(sink.pullRequests().filter(p => p.entityRef === 'component:default/payments')).toHaveLength(10);
    expect(sink.pullRequests().filter(p => p.entityRef === 'component:default/shop')).toHaveLength(2);
    expect(JSON.parse(checkpoint.values.get('pulls:github.com/acme/payments')!)).toMatchObject({ pass: { page: 2 } });

    const firstRun = fake.requests.length;
    const writtenBefore = sink.writes.length;
    await source.backfill!({ sink, since: since(), checkpoint });
    const lists = fake.requests.slice(firstRun).filter(r => r.path.startsWith('/repos/acme/payments/pulls?')).map(r => new URL(r.path, fake.url).searchParams.get('page'));
    expect(lists).toEqual(['2']);
    const paymentWrites = sink.writes.slice(writtenBefore).filter(w => w.id.startsWith('acme/payments#'));
    expect(paymentWrites).toHaveLength(5);
    expect(paymentWrites.every(w => !w.duplicate)).toBe(true);
    expect(sink.pullRequests().filter(p => p.entityRef === 'component:default/payments')).toHaveLength(15);
    expect(JSON.parse(checkpoint.values.get('pulls:github.com/acme/payments')!)).toEqual({ watermark: expect.any(String) });
  });

  it('resumes the deployments listing from its checkpoint too', async () => {
    for (let i = 0; i < 12; i++) fake.addDeployment(payments, { environment: 'production', createdAt: ago(30 - i), statuses: [{ state: 'success', createdAt: ago(30 - i, 1) }] });
    const checkpoint = new MemoryCheckpoint();
    fake.failNext({ path: /^\/repos\/acme\/payments\/deployments$/, query: { page: '2' }, status: 502, message: 'Bad Gateway' });
    await expect(source.backfill!({ sink, since: since(), checkpoint })).rejects.toThrow(/acme\/payments: .*Bad Gateway/);
    expect(sink.deployments().filter(d => d.entityRef === 'component:default/payments')).toHaveLength(10);
    const before = fake.requests.length;
    await source.backfill!({ sink, since: since(), checkpoint });
    const pages = fake.requests.slice(before).filter(r => r.path.startsWith('/repos/acme/payments/deployments?')).map(r => new URL(r.path, fake.url).searchParams.get('page'));
    expect(pages).toEqual(['2']);
    expect(sink.deployments().filter(d => d.entityRef === 'component:default/payments')).toHaveLength(12);
  });

  it('reads only what changed since the last complete pass', async () => {
    const checkpoint = new MemoryCheckpoint();
    await source.backfill!({ sink, since: since(), checkpoint });
    const before = fake.requests.length;
    fake.addPull(payments, { title: 'new', state: 'closed', createdAt: ago(0, -2), mergedAt: ago(0, -1), closedAt: ago(0, -1) });
    await source.backfill!({ sink, since: since(), checkpoint });
    const reviewsRead = fake.requests.slice(before).filter(r => /^\/repos\/acme\/payments\/pulls\/\d+\/reviews/.test(r.path)).map(r => r.path.split('/')[5]);
    // The new PR, and the newest one of the last pass (the watermark is inclusive).
    expect(reviewsRead.sort()).toEqual(['15', '16']);
    expect(sink.pullRequests().find(p => p.id === 'acme/payments#16')).toMatchObject({ title: 'new', mergedAt: expect.any(String) });
  });

  it('keeps current from the webhooks the GitHub plugin verifies', async () => {
    const repository = { name: 'shop', full_name: 'acme/shop', owner: { login: 'acme' }, default_branch: 'main' };

    const opened = example('pull_request', e => e.action === 'opened');
    opened.repository = { ...opened.repository, ...repository };
    opened.pull_request = { ...opened.pull_request, number: 7, user: { ...opened.pull_request.user, login: 'dana' }, created_at: ago(0, -3), merged_at: null };
    await deliver(backend, 'pull_request', opened);
    await eventually(() => expect(sink.pullRequests().find(p => p.id === 'acme/shop#7')).toMatchObject({ author: 'dana', mergedAt: null, reviewers: [] }));

    fake.addPull(shop, { number: 7, title: 'from a webhook', user: 'dana', createdAt: ago(0, -3), reviews: [{ user: 'erin', state: 'APPROVED', submittedAt: ago(0, -2) }] });
    const review = example('pull_request_review', e => e.action === 'submitted');
    review.repository = { ...review.repository, ...repository };
    review.pull_request = { ...review.pull_request, number: 7 };
    await deliver(backend, 'pull_request_review', review);
    await eventually(() => expect(sink.pullRequests().find(p => p.id === 'acme/shop#7')).toMatchObject({ reviewers: ['erin'], firstReviewAt: expect.any(String) }));

    const merged = example('pull_request', e => e.action === 'closed');
    merged.repository = { ...merged.repository, ...repository };
    merged.pull_request = { ...merged.pull_request, number: 7, user: { ...merged.pull_request.user, login: 'dana' }, created_at: ago(0, -3), merged: true, merged_at: ago(0, -1), additions: 12, deletions: 3 };
    await deliver(backend, 'pull_request', merged);
    await eventually(() => expect(sink.pullRequests().find(p => p.id === 'acme/shop#7')).toMatchObject({ reviewers: ['erin'], firstReviewAt: expect.any(String), mergedAt: merged.pull_request.merged_at, additions: 12, deletions: 3 }));

    const status = example('deployment_status', e => e.deployment_status.state === 'success');
    status.repository = { ...status.repository, ...repository };
    status.deployment = { ...status.deployment, id: 4242, environment: 'production', created_at: ago(0, -1) };
    status.deployment_status = { ...status.deployment_status, created_at: ago(0, -0.5) };
    await deliver(backend, 'deployment_status', status);
    await eventually(() => expect(sink.deployments().find(d => d.id === 'acme/shop/deployments/4242')).toMatchObject({ environment: 'production', status: 'succeeded', finishedAt: status.deployment_status.created_at }));

    const run = example('workflow_run', e => e.action === 'completed' && e.workflow_run?.conclusion === 'success');
    run.repository = { ...run.repository, ...repository };
    run.workflow_run = { ...run.workflow_run, id: 777, path: '.github/workflows/deploy.yml', head_branch: 'main', head_sha: 'c'.repeat(40) };
    await deliver(backend, 'workflow_run', run);
    await eventually(() => expect(sink.deployments().find(d => d.id === 'acme/shop/actions/runs/777')).toMatchObject({ environment: 'production', commitSha: 'c'.repeat(40), status: 'succeeded' }));

    // A run of a workflow not configured, a pending status and a repository no entity names write nothing.
    const writes = sink.writes.length;
    await deliver(backend, 'workflow_run', { ...run, workflow_run: { ...run.workflow_run, id: 778, path: '.github/workflows/ci.yml' } });
    await deliver(backend, 'deployment_status', { ...status, deployment: { ...status.deployment, id: 4243 }, deployment_status: { ...status.deployment_status, state: 'pending' } });
    await deliver(backend, 'pull_request', { ...opened, repository: { ...opened.repository, name: 'legacy', full_name: 'acme/legacy' } });
    expect(sink.writes.length).toBe(writes);
  });
});

describe('the GitHub insights module without the insights plugin', () => {
  it('is skipped with a log line, and its github.insights settings are not unknown keys', async () => {
    const fake = await new FakeGithub().start();
    const backend = await startTestBackend({
      features: [catalogPlugin, githubFeatures],
      config: {
        integrations: { github: [{ host: 'github.com', apiBaseUrl: fake.url, token: 'good' }] },
        github: { insights: { workflows: ['deploy.yml'] } },
      },
    });
    try {
      const messages = backend.logger!.lines.map(l => l.message);
      expect(messages).toContain("Skipping module 'insights.github': plugin 'insights' is not installed");
      expect(messages.filter(m => /unknown/i.test(m) && m.includes('github.insights'))).toEqual([]);
    } finally {
      await backend.stop();
      await fake.stop();
    }
  });
});
