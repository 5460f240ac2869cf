import { deploymentEventSchema, pullRequestEventSchema } from '@portico/plugin-insights-common';
import { deploymentEvents, deploymentOutcome, isDeployWorkflow, pullRequestEvents, workflowRunEvents } from './githubInsightsEvents';

const shop = { host: 'github.com', owner: 'acme', repo: 'shop', entityRefs: ['component:default/shop'] };
const pull = { number: 12, title: 'Add cart', html_url: 'https://github.com/acme/shop/pull/12', user: { login: 'alice' }, created_at: '2026-11-01T10:00:00Z', merged_at: '2026-11-02T10:00:00Z', additions: 40, deletions: 4 };

describe('GitHub insights events', () => {
  it('maps a pull request with its first review by someone else than the author, in the push API shape', () => {
    const reviews = [
      { user: { login: 'alice' }, state: 'COMMENTED', submitted_at: '2026-11-01T11:00:00Z' },
      { user: { login: 'bob' }, state: 'PENDING', submitted_at: null },
      { user: { login: 'carol' }, state: 'APPROVED', submitted_at: '2026-11-01T15:00:00Z' },
      { user: { login: 'bob' }, state: 'CHANGES_REQUESTED', submitted_at: '2026-11-01T13:00:00Z' },
      { user: { login: 'bob' }, state: 'APPROVED', submitted_at: '2026-11-01T16:00:00Z' },
    ];
    const [event] = pullRequestEvents(shop, pull, { reviews, firstCommitAt: '2026-10-31T18:00:00+02:00' });
    expect(event).toEqual({
      id: 'acme/shop#12',
      entityRef: 'component:default/shop',
      number: 12,
      title: 'Add cart',
      url: 'https://github.com/acme/shop/pull/12',
      author: 'alice',
      reviewers: ['bob', 'carol'],
      createdAt: '2026-11-01T10:00:00Z',
      firstReviewAt: '2026-11-01T13:00:00Z',
      mergedAt: '2026-11-02T10:00:00Z',
      additions: 40,
      deletions: 4,
      firstCommitAt: '2026-10-31T18:00:00+02:00',
      source: 'github',
    });
    expect(pullRequestEventSchema.safeParse(event).success).toBe(true);
  });

  it('leaves size and reviews null when they were not read', () => {
    const [event] = pullRequestEvents(shop, { ...pull, additions: undefined, deletions: undefined, merged_at: null });
    expect(event).toMatchObject({ reviewers: null, firstReviewAt: null, additions: null, deletions: null, mergedAt: null, firstCommitAt: null });
  });

  it('leaves out a first commit time that cannot start a lead time (before 2000, after the merge)', () => {
    expect(pullRequestEvents(shop, pull, { firstCommitAt: '1970-01-01T00:00:00Z' })[0].firstCommitAt).toBeNull();
    expect(pullRequestEvents(shop, pull, { firstCommitAt: '2026-11-03T00:00:00Z' })[0].firstCommitAt).toBeNull();
    expect(pullRequestEvents(shop, pull, { firstCommitAt: null })[0].firstCommitAt).toBeNull();
  });

  it('gives each entity of a shared repository its own copy, the ref in the id; another host is named in ids', () => {
    const mono = { ...shop, repo: 'Mono', entityRefs: ['component:default/api', 'component:default/web'] };
    expect(pullRequestEvents(mono, pull, { reviews: [] }).map(e => [e.id, e.entityRef])).toEqual([
      ['acme/mono#12@component:default/api', 'component:default/api'],
      ['acme/mono#12@component:default/web', 'component:default/web'],
    ]);
    expect(pullRequestEvents({ ...shop, host: 'ghe.example.com' }, pull, { reviews: [] })[0].id).toBe('ghe.example.com/acme/shop#12');
  });

  it('reads a deployment outcome from its newest terminal status', () => {
    expect(deploymentOutcome([{ state: 'in_progress', created_at: '2026-11-01T10:01:00Z' }])).toBeUndefined();
    expect(deploymentOutcome([{ state: 'success', created_at: '2026-11-01T10:05:00Z' }, { state: 'inactive', created_at: '2026-11-03T00:00:00Z' }])).toEqual({ status: 'succeeded', finishedAt: '2026-11-01T10:05:00Z' });
    expect(deploymentOutcome([{ state: 'error', created_at: '2026-11-01T10:05:00Z' }, { state: 'pending', created_at: '2026-11-01T10:00:00Z' }])).toEqual({ status: 'failed', finishedAt: '2026-11-01T10:05:00Z' });
  });

  it('maps a finished deployment in its GitHub environment and none for an unfinished one', () => {
    const deployment = { id: 7, sha: 'a'.repeat(40), ref: 'v1.2.0', environment: 'production', created_at: '2026-11-01T10:00:00Z' };
    const [event] = deploymentEvents(shop, deployment, [{ state: 'failure', created_at: '2026-11-01T10:09:00Z' }]);
    expect(event).toEqual({ id: 'acme/shop/deployments/7', entityRef: 'component:default/shop', environment: 'production', version: 'v1.2.0', commitSha: 'a'.repeat(40), status: 'failed', startedAt: '2026-11-01T10:00:00Z', finishedAt: '2026-11-01T10:09:00Z', source: 'github' });
    expect(deploymentEventSchema.safeParse(event).success).toBe(true);
    expect(deploymentEvents(shop, deployment, [{ state: 'queued', created_at: '2026-11-01T10:00:01Z' }])).toEqual([]);
  });

  it('counts only successful runs on the default branch as deployments', () => {
    const run = { id: 99, head_sha: 'b'.repeat(40), head_branch: 'main', run_number: 5, conclusion: 'success', created_at: '2026-11-01T10:00:00Z', updated_at: '2026-11-01T10:07:00Z', run_started_at: '2026-11-01T10:00:30Z' };
    const options = { defaultBranch: 'main', environment: 'production' };
    expect(workflowRunEvents(shop, run, options)).toEqual([
      { id: 'acme/shop/actions/runs/99', entityRef: 'component:default/shop', environment: 'production', version: 'run 5', commitSha: 'b'.repeat(40), status: 'succeeded', startedAt: '2026-11-01T10:00:30Z', finishedAt: '2026-11-01T10:07:00Z', source: 'github' },
    ]);
    expect(workflowRunEvents(shop, { ...run, head_branch: 'feature' }, options)).toEqual([]);
    expect(workflowRunEvents(shop, { ...run, conclusion: 'failure' }, options)).toEqual([]);
  });

  it('recognises a configured workflow by file name, id, or a called path with its ref', () => {
    expect(isDeployWorkflow(['deploy.yml'], { path: '.github/workflows/deploy.yml', workflow_id: 1 })).toBe(true);
    expect(isDeployWorkflow(['deploy.yml'], { path: '.github/workflows/deploy.yml@refs/heads/main' })).toBe(true);
    expect(isDeployWorkflow(['161335'], { path: '.github/workflows/release.yml', workflow_id: 161335 })).toBe(true);
    expect(isDeployWorkflow(['deploy.yml'], { path: '.github/workflows/ci.yml', workflow_id: 2 })).toBe(false);
    expect(isDeployWorkflow([], { path: '.github/workflows/deploy.yml' })).toBe(false);
  });
});
