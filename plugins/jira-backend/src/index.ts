/** @portico/plugin-jira-backend: the Jira integration as a bundle of backend features. */
import type { BackendFeature } from '@portico/backend-plugin-api';
import { initiativeTicketsModule } from './initiatives/initiativeTicketsModule';
import { jiraFeatures } from './plugin';

const features: BackendFeature[] = [...jiraFeatures, initiativeTicketsModule];
export default features;
export { initiativeTicketsModule };
export { createJiraTicketAction, jiraTicketParamsSchema, idempotencyLabel, JIRA_TICKET_ACTION_TYPE, type JiraTicketParams } from './initiatives/jiraTicketAction';
export type { InitiativeTicketJira, InitiativeTicket } from './initiatives/InitiativeTicketJira';
export {
  jiraPlugin,
  jiraIntegrationModule,
  jiraCatalogModule,
  jiraScorecardsModule,
  jiraScaffolderModule,
  jiraFeatures,
  jiraPluginConfigSchema,
  jiraScorecardsConfigSchema,
  jiraCatalogConfigSchema,
  jiraSecurityIssuesSchema,
} from './plugin';
export { jiraClientsServiceRef } from './clientsService';
export { JiraClients } from './integration/JiraClients';
export { JiraClient, type JiraIssueInput, type JiraSearchResult } from './integration/JiraClient';
export { JiraIntegrationProvider } from './integration/JiraIntegrationProvider';
export { jiraIntegrationsConfigSchema, jiraSiteConfigSchema, type JiraSiteConfig } from './integration/config';
export { JiraUnavailableError, JiraQueryError } from './integration/jiraErrors';
export { markdownToAdf, markdownToWiki, type AdfDocument } from './integration/markdown';
export { jqlString, mappingJql, mappingOf, checkJqlClause, JiraAnnotationError, type JiraMapping } from './jql';
export { JiraEntityService, defaultCacheTtls, type JiraCacheTtls } from './service/JiraEntityService';
export { JiraMappingCheckProvider, type JiraMappingCheck } from './catalog/JiraMappingCheckProvider';
export { createJiraFactCollector, collectMappingFacts, jiraFacts, type JiraFacts, type JiraSecurityIssues } from './facts/JiraFactCollector';
export { createJiraIssueCreateAction, createJiraIssueCommentAction } from './actions/jiraActions';
