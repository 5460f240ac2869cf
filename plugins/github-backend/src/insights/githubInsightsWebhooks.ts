import { z } from 'zod';
import type { LoggerService } from '@portico/backend-plugin-api';
import type { PushResult } from '@portico/plugin-insights-common';
import type { InsightsSink } from '@portico/plugin-insights-node';
import type { GithubClients } from '../integration/GithubClients';
import type { GithubWebhookEvent } from '../webhooks/webhookEvents';
import type { AnnotatedRepository } from './annotatedRepositories';
import type { GithubInsightsConfig } from './config';
import { deploymentEvents, isDeployWorkflow, pullRequestEvents, workflowRunEvents } from './githubInsightsEvents';
import { readPullRequestDetails } from './pullRequestDetails';

// The fields read from each webhook, checked at the edge; the rest of GitHub's payload passes through.
const user = z.looseObject({ login: z.string() }).nullish();
const repositorySchema = z.looseObject({ name: z.string(), owner: z.looseObject({ login: z.string() }), default_branch: z.string().optional() });
const pullSchema = z.looseObject({
  number: z.number().int(),
  title: z.string().nullish(),
  html_url: z.string().nullish(),
  user,
  created_at: z.string(),
  merged_at: z.string().nullish(),
  merged: z.boolean().nullish(),
  additions: z.number().int().nullish(),
  deletions: z.number().int().nullish(),
});
const schemas = {
  pull_request: z.looseObject({ action: z.string(), pull_request: pullSchema, repository: repositorySchema }),
  pull_request_review: z.looseObject({ action: z.string(), pull_request: z.looseObject({ number: z.number().int() }), repository: repositorySchema }),
  deployment_status: z.looseObject({
    deployment_status: z.looseObject({ state: z.string(), created_at: z.string() }),
    deployment: z.looseObject({ id: z.number().int(), sha: z.string(), ref: z.string(), environment: z.string(), created_at: z.string() }),
    repository: repositorySchema,
  }),
  workflow_run: z.looseObject({
    action: z.string(),
    workflow_run: z.looseObject({
      id: z.number().int(),
      path: z.string().nullish(),
      workflow_id: z.number().int().nullish(),
      head_sha: z.string(),
      head_branch: z.string().nullable(),
      run_number: z.number().int(),
      conclusion: z.string().nullable(),
      created_at: z.string(),
      updated_at: z.string(),
      run_started_at: z.string().nullish(),
    }),
    repository: repositorySchema,
  }),
};

/** The webhooks this module reads. */
export const INSIGHTS_WEBHOOK_EVENTS = Object.keys(schemas);

/**
 * Turns one verified GitHub webhook into sink writes, for the entities annotated with its repository:
 * - `pull_request` opened: the PR as the payload has it; reopened: with its reviews (one request); closed and
 *   merged: with its reviews and first commit (two requests);
 * - `pull_request_review` submitted: the PR read again with its reviews (two requests; three once merged), so the
 *   first review is the earliest one whatever order the deliveries come in;
 * - `deployment_status`: a deployment that succeeded or failed (pending and in-progress ones wait for their end);
 * - `workflow_run` completed: a successful run of a configured deploy workflow on the default branch.
 * Returns how many events were written, new or not (0 for webhooks it ignores).
 */
export async function handleInsightsWebhook(
  deps: {
    clients: GithubClients;
    config: GithubInsightsConfig;
    sink: InsightsSink;
    repositoryOf: (target: { host: string; owner: string; repo: string }) => Promise<AnnotatedRepository | undefined>;
    logger: LoggerService;
  },
  event: GithubWebhookEvent,
): Promise<number> {
  if (!(event.name in schemas)) return 0;
  const parsed = schemas[event.name as keyof typeof schemas].safeParse(event.payload);
  if (!parsed.success) {
    deps.logger.warn(`GitHub ${event.name} webhook ${event.id} not read for insights: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
    return 0;
  }
  const payload = parsed.data;
  const target = { host: event.host, owner: payload.repository.owner.login, repo: payload.repository.name };
  // Cheap checks first: most webhooks are of actions this module ignores.
  if (event.name === 'pull_request') {
    const { action, pull_request: pull } = payload as z.infer<typeof schemas.pull_request>;
    if (!['opened', 'reopened'].includes(action) && !(action === 'closed' && pull.merged_at)) return 0;
  }
  if (event.name === 'pull_request_review' && (payload as z.infer<typeof schemas.pull_request_review>).action !== 'submitted') return 0;
  if (event.name === 'workflow_run') {
    const { action, workflow_run: run } = payload as z.infer<typeof schemas.workflow_run>;
    if (action !== 'completed' || !isDeployWorkflow(deps.config.workflows, run)) return 0;
  }
  const repository = await deps.repositoryOf(target);
  if (!repository) return 0;

  const client = () => deps.clients.forHost(event.host);
  const written = (result: PushResult) => result.accepted + result.duplicates;
  const { owner, repo } = target;
  switch (event.name) {
    case 'pull_request': {
      const { action, pull_request: pull } = payload as z.infer<typeof schemas.pull_request>;
      // A new PR has no reviews yet; a merged or reopened one may.
      const details = action === 'opened' ? { reviews: [] } : await readPullRequestDetails(client(), { owner, repo, number: pull.number, merged: Boolean(pull.merged_at) });
      return written(await deps.sink.addPullRequests(pullRequestEvents(repository, pull, details)));
    }
    case 'pull_request_review': {
      const { pull_request: { number } } = payload as z.infer<typeof schemas.pull_request_review>;
      const { data: pull } = await client().rest.pulls.get({ owner, repo, pull_number: number });
      if (pull.state === 'closed' && !pull.merged_at) return 0;
      const details = await readPullRequestDetails(client(), { owner, repo, number, merged: Boolean(pull.merged_at) });
      return written(await deps.sink.addPullRequests(pullRequestEvents(repository, pull, details)));
    }
    case 'deployment_status': {
      const { deployment, deployment_status: status } = payload as z.infer<typeof schemas.deployment_status>;
      const events = deploymentEvents(repository, deployment, [status]);
      return events.length ? written(await deps.sink.addDeployments(events)) : 0;
    }
    case 'workflow_run': {
      const { workflow_run: run, repository: { default_branch } } = payload as z.infer<typeof schemas.workflow_run>;
      const defaultBranch = default_branch ?? (await client().rest.repos.get({ owner, repo })).data.default_branch;
      const events = workflowRunEvents(repository, run, { defaultBranch, environment: deps.config.workflowEnvironment });
      return events.length ? written(await deps.sink.addDeployments(events)) : 0;
    }
    default:
      return 0;
  }
}
