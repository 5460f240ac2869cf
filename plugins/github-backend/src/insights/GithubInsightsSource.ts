import type { EventsService, LoggerService } from '@portico/backend-plugin-api';
import { InputError } from '@portico/errors';
import type { CatalogApi } from '@portico/plugin-catalog-common';
import type { InsightsSource } from '@portico/plugin-insights-node';
import type { GithubClients } from '../integration/GithubClients';
import { GITHUB_WEBHOOK_TOPIC, type GithubWebhookEvent } from '../webhooks/webhookEvents';
import { annotatedRepositories } from './annotatedRepositories';
import type { GithubInsightsConfig } from './config';
import { GITHUB_INSIGHTS_SOURCE } from './githubInsightsEvents';
import { GithubInsightsBackfill } from './GithubInsightsBackfill';
import { handleInsightsWebhook } from './githubInsightsWebhooks';

export interface GithubInsightsSourceOptions {
  clients: GithubClients;
  catalog: CatalogApi;
  /** A token for the catalog as this module's plugin (undefined where none is needed). */
  catalogToken: () => Promise<string | undefined>;
  events: EventsService;
  config: GithubInsightsConfig;
  logger: LoggerService;
}

const status = (error: unknown) => (error as { status?: number }).status;

/**
 * The `github` insights source: pull requests, deployments and deploy-workflow runs of the repositories of entities
 * annotated `github.com/project-slug`, backfilled over the insights window and kept current by the webhooks the
 * GitHub plugin verifies and publishes on `github.webhook`.
 */
export function createGithubInsightsSource(options: GithubInsightsSourceOptions): InsightsSource {
  const { clients, catalog, catalogToken, events, config, logger } = options;
  const backfill = new GithubInsightsBackfill({ clients, config, logger });

  return {
    id: GITHUB_INSIGHTS_SOURCE,

    async backfill(context) {
      const repositories = await annotatedRepositories(catalog, await catalogToken());
      const failures: string[] = [];
      for (const repository of repositories) {
        const name = `${repository.host === 'github.com' ? '' : `${repository.host}/`}${repository.owner}/${repository.repo}`;
        try {
          await backfill.backfillRepository(repository, context);
        } catch (error) {
          if (context.signal?.aborted) throw error;
          // A repository that is gone, or a host not configured, fails every run the same way: said once per run, not retried sooner.
          if (status(error) === 404 || error instanceof InputError) logger.warn(`GitHub insights: ${name} skipped: ${(error as Error).message}`);
          else failures.push(`${name}: ${(error as Error).message}`);
        }
      }
      // The others were read; the failed ones resume from their checkpoints on the next run.
      if (failures.length) throw new Error(`GitHub insights backfill failed for ${failures.length} of ${repositories.length} repositories: ${failures.join('; ')}`);
    },

    async connect(sink) {
      const repositoryOf = async (target: { host: string; owner: string; repo: string }) => (await annotatedRepositories(catalog, await catalogToken(), target))[0];
      await events.subscribe({
        id: 'insights-github-webhooks',
        topics: [GITHUB_WEBHOOK_TOPIC],
        // One instance writes each event (writes are idempotent anyway).
        delivery: 'once',
        onEvent: async ({ payload }) => {
          const event = payload as GithubWebhookEvent;
          try {
            await handleInsightsWebhook({ clients, config, sink, repositoryOf, logger }, event);
          } catch (error) {
            // The next backfill run reads what this webhook would have written.
            logger.warn(`GitHub ${event.name} webhook ${event.id} not written to insights: ${(error as Error).message}`);
          }
        },
      });
    },
  };
}
