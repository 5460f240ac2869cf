import { z } from 'zod';

/**
 * The insights module's keys of the `github:` section (`github.insights`): like the fact collector's settings,
 * they live with GitHub's other settings. Parsed once by the host; a module skipped because the insights plugin is
 * not installed still declares them, so they are never reported as unknown.
 */
export const githubInsightsConfigSchema = z
  .object({
    insights: z
      .object({
        /**
         * Workflows (file names such as `deploy.yml`, or numeric ids) whose successful runs on the default branch count
         * as deployments, besides those recorded through GitHub's Deployments API.
         */
        workflows: z.array(z.string().min(1)).default([]),
        /** The environment such a run deploys to (match it to `insights.productionEnvironments`). */
        workflowEnvironment: z.string().min(1).max(100).default('production'),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

export type GithubInsightsConfig = z.output<typeof githubInsightsConfigSchema>['insights'];
