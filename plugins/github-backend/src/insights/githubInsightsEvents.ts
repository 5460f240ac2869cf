import { EARLIEST_EVENT_TIME, type DeploymentEvent, type PullRequestEvent } from '@portico/plugin-insights-common';
import type { AnnotatedRepository } from './annotatedRepositories';

/** The `source` of every event this module writes. */
export const GITHUB_INSIGHTS_SOURCE = 'github';

/** A pull request as the list, the single-PR endpoint and webhooks give it (additions only from the latter two). */
export interface PullRequestLike {
  number: number;
  title?: string | null;
  html_url?: string | null;
  user?: { login: string } | null;
  created_at: string;
  merged_at?: string | null;
  additions?: number | null;
  deletions?: number | null;
}

/** A review as `GET /pulls/{n}/reviews` and the `pull_request_review` webhook give it. */
export interface ReviewLike {
  user?: { login: string } | null;
  state: string;
  submitted_at?: string | null;
}

export interface DeploymentLike {
  id: number;
  sha: string;
  ref: string;
  environment: string;
  created_at: string;
}

export interface DeploymentStatusLike {
  state: string;
  created_at: string;
}

export interface WorkflowRunLike {
  id: number;
  head_sha: string;
  head_branch: string | null;
  run_number: number;
  conclusion: string | null;
  created_at: string;
  updated_at: string;
  run_started_at?: string | null;
}

/** The repository part of ids: `owner/repo` on github.com, `host/owner/repo` on another host. */
function repositoryId(repository: Pick<AnnotatedRepository, 'host' | 'owner' | 'repo'>): string {
  const name = `${repository.owner}/${repository.repo}`.toLowerCase();
  return repository.host === 'github.com' ? name : `${repository.host.toLowerCase()}/${name}`;
}

/**
 * One event per entity of the repository. Ids are unique per source: a repository annotated on one entity gives
 * `acme/shop#12`; on several (a monorepo), each entity's copy carries its ref (`acme/shop#12@component:default/web`).
 */
function perEntity<T extends { id: string; entityRef: string }>(repository: AnnotatedRepository, build: (entityRef: string) => Omit<T, 'id' | 'entityRef'>, id: string): T[] {
  const shared = repository.entityRefs.length > 1;
  return repository.entityRefs.map(entityRef => ({ ...build(entityRef), id: shared ? `${id}@${entityRef}` : id, entityRef }) as T);
}

/** Reviews that count: submitted (not pending) by someone other than the author. */
function countedReviews(pull: PullRequestLike, reviews: ReviewLike[]): Array<ReviewLike & { submitted_at: string }> {
  const author = pull.user?.login;
  return reviews
    .filter((r): r is ReviewLike & { submitted_at: string } => Boolean(r.submitted_at) && r.state.toUpperCase() !== 'PENDING' && (!author || r.user?.login !== author))
    .sort((a, b) => Date.parse(a.submitted_at) - Date.parse(b.submitted_at));
}

/**
 * A first commit's authored time, when it can start a lead time: after 2000 (a zeroed clock otherwise) and not after
 * the merge (a rewritten date); else unknown, and lead time starts at the merge.
 */
function plausibleFirstCommit(pull: PullRequestLike, firstCommitAt: string | null | undefined): string | null {
  if (!firstCommitAt || Number.isNaN(Date.parse(firstCommitAt))) return null;
  const time = Date.parse(firstCommitAt);
  if (time < Date.parse(EARLIEST_EVENT_TIME) || (pull.merged_at && time > Date.parse(pull.merged_at))) return null;
  return firstCommitAt;
}

/**
 * A pull request with its reviews (`reviews` undefined: not read, first review left unknown) and, when read, its
 * first commit's time.
 */
export function pullRequestEvents(repository: AnnotatedRepository, pull: PullRequestLike, details: { reviews?: ReviewLike[]; firstCommitAt?: string | null } = {}): PullRequestEvent[] {
  const { reviews } = details;
  const counted = reviews ? countedReviews(pull, reviews) : undefined;
  const reviewers = counted ? [...new Set(counted.map(r => r.user?.login).filter((login): login is string => Boolean(login)))] : null;
  return perEntity<PullRequestEvent>(
    repository,
    () => ({
      number: pull.number,
      title: pull.title?.slice(0, 500) ?? null,
      url: pull.html_url ?? null,
      author: pull.user?.login ?? null,
      reviewers: reviewers?.slice(0, 100) ?? null,
      createdAt: pull.created_at,
      firstReviewAt: counted?.[0]?.submitted_at ?? null,
      mergedAt: pull.merged_at ?? null,
      additions: pull.additions ?? null,
      deletions: pull.deletions ?? null,
      firstCommitAt: plausibleFirstCommit(pull, details.firstCommitAt),
      source: GITHUB_INSIGHTS_SOURCE,
    }),
    `${repositoryId(repository)}#${pull.number}`,
  );
}

/**
 * A deployment's outcome from its statuses (any order): the newest `success` (succeeded) or `failure`/`error`
 * (failed). `inactive` only marks a successful deployment superseded; pending, queued and in-progress ones are not
 * finished yet, so undefined.
 */
export function deploymentOutcome(statuses: DeploymentStatusLike[]): { status: 'succeeded' | 'failed'; finishedAt: string } | undefined {
  const terminal = statuses.filter(s => ['success', 'failure', 'error'].includes(s.state)).sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at))[0];
  if (!terminal) return undefined;
  return { status: terminal.state === 'success' ? 'succeeded' : 'failed', finishedAt: terminal.created_at };
}

/** A deployment of GitHub's Deployments API, in the environment as GitHub names it; none while it is unfinished. */
export function deploymentEvents(repository: AnnotatedRepository, deployment: DeploymentLike, statuses: DeploymentStatusLike[]): DeploymentEvent[] {
  const outcome = deploymentOutcome(statuses);
  if (!outcome) return [];
  return perEntity<DeploymentEvent>(
    repository,
    () => ({
      environment: deployment.environment.slice(0, 100),
      version: deployment.ref.slice(0, 200),
      commitSha: deployment.sha,
      status: outcome.status,
      startedAt: deployment.created_at,
      finishedAt: outcome.finishedAt,
      source: GITHUB_INSIGHTS_SOURCE,
    }),
    `${repositoryId(repository)}/deployments/${deployment.id}`,
  );
}

/** A successful run of a deploy workflow on the default branch: a deployment to `environment` of its head commit. */
export function workflowRunEvents(repository: AnnotatedRepository, run: WorkflowRunLike, options: { defaultBranch: string; environment: string }): DeploymentEvent[] {
  if (run.conclusion !== 'success' || run.head_branch !== options.defaultBranch) return [];
  return perEntity<DeploymentEvent>(
    repository,
    () => ({
      environment: options.environment,
      version: `run ${run.run_number}`,
      commitSha: run.head_sha,
      status: 'succeeded',
      startedAt: run.run_started_at ?? run.created_at,
      finishedAt: run.updated_at,
      source: GITHUB_INSIGHTS_SOURCE,
    }),
    `${repositoryId(repository)}/actions/runs/${run.id}`,
  );
}

/** Whether a run's workflow is one of the configured ones (`deploy.yml`, or its numeric id). */
export function isDeployWorkflow(workflows: string[], run: { path?: string | null; workflow_id?: number | null }): boolean {
  // A called workflow's path carries its ref: `.github/workflows/deploy.yml@refs/heads/main`.
  const file = run.path?.split('@')[0].split('/').pop();
  return workflows.some(w => w === file || w === String(run.workflow_id));
}
