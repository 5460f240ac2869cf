import type { LoggerService } from '@portico/backend-plugin-api';
import { MAX_PUSH_BATCH } from '@portico/plugin-insights-common';
import type { InsightsBackfillContext, InsightsCheckpoint } from '@portico/plugin-insights-node';
import type { GithubClient, GithubClients } from '../integration/GithubClients';
import { repositoryKey, type AnnotatedRepository } from './annotatedRepositories';
import type { GithubInsightsConfig } from './config';
import { deploymentEvents, pullRequestEvents, workflowRunEvents } from './githubInsightsEvents';
import { readPullRequestDetails } from './pullRequestDetails';

const DAY = 86_400_000;
const PER_PAGE = 100;

/**
 * Where one listing of one repository stands. `watermark`: the newest time the last complete pass reached, where
 * the next pass stops. `pass`: a pass in progress, resumed at `page` after a failure. Listings are newest first, so
 * items that change meanwhile move to page 1 and push the rest down: a resumed pass may read an item twice
 * (writes are idempotent), never skip one, and the next pass picks the moved ones up above the watermark.
 */
interface ListingCheckpoint {
  watermark?: string;
  pass?: { page: number; stopAt: string; newest?: string };
}

async function readCheckpoint(checkpoint: InsightsCheckpoint, key: string): Promise<ListingCheckpoint> {
  const raw = await checkpoint.get(key);
  if (!raw) return {};
  try {
    return JSON.parse(raw) as ListingCheckpoint;
  } catch {
    return {}; // unreadable: read the window again (idempotent)
  }
}

const later = (a: string, b: string | undefined) => (b && Date.parse(b) > Date.parse(a) ? b : a);
const earlier = (a: string | undefined, b: string | undefined) => (!a ? b : !b ? a : Date.parse(b) < Date.parse(a) ? b : a);

function checkAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('GitHub insights backfill aborted');
}

async function inBatches<T>(items: T[], write: (batch: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += MAX_PUSH_BATCH) await write(items.slice(i, i + MAX_PUSH_BATCH));
}

/**
 * Reads one repository's history into the sink: pull requests, deployments of the Deployments API and runs of the
 * configured deploy workflows, each listing newest first down to the window's start (or the last pass's
 * watermark), writing and checkpointing page by page. Requests go through the plugin's Octokit (throttled, retried).
 */
export class GithubInsightsBackfill {
  constructor(private readonly deps: { clients: GithubClients; config: GithubInsightsConfig; logger: LoggerService }) {}

  async backfillRepository(repository: AnnotatedRepository, context: InsightsBackfillContext): Promise<void> {
    const client = this.deps.clients.forHost(repository.host);
    await this.pullRequests(client, repository, context);
    await this.deployments(client, repository, context);
    if (this.deps.config.workflows.length) {
      const { data } = await client.rest.repos.get({ owner: repository.owner, repo: repository.repo });
      for (const workflow of this.deps.config.workflows) await this.workflowRuns(client, repository, workflow, data.default_branch, context);
    }
  }

  /**
   * Pull requests updated since the stop point, open or merged (closed unmerged ones never count). Reviews are
   * read for each (first review, reviewers); for those merged inside the window only, their size (additions,
   * deletions: the list lacks them) from the single-PR endpoint and their first commit's time.
   */
  private async pullRequests(client: GithubClient, repository: AnnotatedRepository, context: InsightsBackfillContext): Promise<void> {
    const { owner, repo } = repository;
    const key = `pulls:${repositoryKey(repository)}`;
    const since = context.since.toISOString();
    const state = await readCheckpoint(context.checkpoint, key);
    const pass = state.pass ?? { page: 1, stopAt: later(since, state.watermark) };
    const pages = client.paginate.iterator(client.rest.pulls.list, { owner, repo, state: 'all', sort: 'updated', direction: 'desc', per_page: PER_PAGE, page: pass.page, request: { signal: context.signal } });
    for await (const { data: pulls } of pages) {
      checkAborted(context.signal);
      if (!pass.newest) pass.newest = pulls[0]?.updated_at;
      const inWindow = pulls.filter(p => Date.parse(p.updated_at) >= Date.parse(pass.stopAt));
      const events = [];
      for (const pull of inWindow) {
        if (pull.state === 'closed' && !pull.merged_at) continue;
        if (pull.merged_at && Date.parse(pull.merged_at) < context.since.getTime()) continue;
        const merged = Boolean(pull.merged_at);
        const [details, full] = await Promise.all([
          readPullRequestDetails(client, { owner, repo, number: pull.number, merged, signal: context.signal }),
          merged ? client.rest.pulls.get({ owner, repo, pull_number: pull.number, request: { signal: context.signal } }).then(r => r.data) : pull,
        ]);
        events.push(...pullRequestEvents(repository, full, details));
      }
      await inBatches(events, batch => context.sink.addPullRequests(batch));
      if (inWindow.length < pulls.length) break;
      pass.page++;
      await context.checkpoint.set(key, JSON.stringify({ ...state, pass }));
    }
    await context.checkpoint.set(key, JSON.stringify({ watermark: later(pass.stopAt, pass.newest) }));
  }

  /**
   * Deployments created since the stop point, each with its statuses. An unfinished one is not written and holds
   * the next watermark at its creation, so the pass after it finishes reads it again (its webhook may come first).
   */
  private async deployments(client: GithubClient, repository: AnnotatedRepository, context: InsightsBackfillContext): Promise<void> {
    const { owner, repo } = repository;
    const key = `deployments:${repositoryKey(repository)}`;
    const state = await readCheckpoint(context.checkpoint, key);
    const pass = state.pass ?? { page: 1, stopAt: later(context.since.toISOString(), state.watermark) };
    let unfinished: string | undefined;
    const pages = client.paginate.iterator(client.rest.repos.listDeployments, { owner, repo, per_page: PER_PAGE, page: pass.page, request: { signal: context.signal } });
    for await (const { data: deployments } of pages) {
      checkAborted(context.signal);
      if (!pass.newest) pass.newest = deployments[0]?.created_at;
      const inWindow = deployments.filter(d => Date.parse(d.created_at) >= Date.parse(pass.stopAt));
      const events = [];
      for (const deployment of inWindow) {
        const { data: statuses } = await client.rest.repos.listDeploymentStatuses({ owner, repo, deployment_id: deployment.id, per_page: PER_PAGE, request: { signal: context.signal } });
        const written = deploymentEvents(repository, deployment, statuses);
        if (!written.length) unfinished = earlier(unfinished, deployment.created_at);
        events.push(...written);
      }
      await inBatches(events, batch => context.sink.addDeployments(batch));
      if (inWindow.length < deployments.length) break;
      pass.page++;
      await context.checkpoint.set(key, JSON.stringify({ ...state, pass }));
    }
    // The newest deployment reached, or just before the oldest unfinished one.
    const watermark = unfinished ? new Date(Date.parse(unfinished) - 1).toISOString() : pass.newest;
    await context.checkpoint.set(key, JSON.stringify({ watermark: later(pass.stopAt, watermark) }));
  }

  /**
   * Successful runs of one deploy workflow on the default branch, created since the stop point. GitHub filters by
   * creation date; a run still going at one pass is created before its watermark, so each pass reads a day back.
   */
  private async workflowRuns(client: GithubClient, repository: AnnotatedRepository, workflow: string, defaultBranch: string, context: InsightsBackfillContext): Promise<void> {
    const { owner, repo } = repository;
    const key = `runs:${repositoryKey(repository)}:${workflow}`;
    const state = await readCheckpoint(context.checkpoint, key);
    const overlap = state.watermark ? new Date(Date.parse(state.watermark) - DAY).toISOString() : undefined;
    const pass = state.pass ?? { page: 1, stopAt: later(context.since.toISOString(), overlap) };
    const pages = client.paginate.iterator(client.rest.actions.listWorkflowRuns, {
      owner,
      repo,
      workflow_id: workflow,
      branch: defaultBranch,
      status: 'success',
      created: `>=${pass.stopAt.slice(0, 10)}`,
      per_page: PER_PAGE,
      page: pass.page,
      request: { signal: context.signal },
    });
    try {
      for await (const { data: runs } of pages) {
        checkAborted(context.signal);
        if (!pass.newest) pass.newest = runs[0]?.created_at;
        const inWindow = runs.filter(r => Date.parse(r.created_at) >= Date.parse(pass.stopAt));
        const events = inWindow.flatMap(run => workflowRunEvents(repository, run, { defaultBranch, environment: this.deps.config.workflowEnvironment }));
        await inBatches(events, batch => context.sink.addDeployments(batch));
        if (inWindow.length < runs.length) break;
        pass.page++;
        await context.checkpoint.set(key, JSON.stringify({ ...state, pass }));
      }
    } catch (error) {
      if ((error as { status?: number }).status !== 404) throw error;
      this.deps.logger.debug(`GitHub insights: ${owner}/${repo} has no workflow ${workflow}`);
      return;
    }
    await context.checkpoint.set(key, JSON.stringify({ watermark: later(pass.stopAt, pass.newest) }));
  }
}
