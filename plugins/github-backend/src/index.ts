/** @portico/plugin-github-backend: the GitHub integration as a bundle of backend features. */
import { githubFeatures } from './plugin';

export default githubFeatures;
export {
  githubPlugin,
  githubIntegrationModule,
  githubCatalogModule,
  githubScorecardsModule,
  githubScaffolderModule,
  githubInsightsModule,
  githubFeatures,
  githubPluginConfigSchema,
  githubScorecardsConfigSchema,
} from './plugin';
export { githubClientsServiceRef } from './clientsService';
export { GithubClients, type GithubClient } from './integration/GithubClients';
export { GithubIntegrationProvider } from './integration/GithubIntegrationProvider';
export { parseGithubUrl, resolveGithubUrl, githubBlobUrl, type GithubUrl } from './integration/githubUrls';
export { githubHostConfigSchema, type GithubHostConfig } from './integration/config';
export { githubDiscoveryConfigSchema, githubOrgConfigSchema } from './discovery/config';
export { GithubEntityProvider, discoverOrganization, type DiscoveryRunSummary } from './discovery/GithubEntityProvider';
export { GithubOrgEntityProvider } from './discovery/GithubOrgEntityProvider';
export { githubFacts, createGithubFactCollector } from './facts/GithubFactCollector';
export { GITHUB_WEBHOOK_TOPIC, type GithubWebhookEvent } from './webhooks/webhookEvents';
export { githubInsightsConfigSchema } from './insights/config';
export { createGithubInsightsSource, type GithubInsightsSourceOptions } from './insights/GithubInsightsSource';
