import { createApiRef } from '@portico/frontend-plugin-api';
import type { JiraEntitySummary, JiraStatusCategory } from '@portico/plugin-jira-common';

/** Which issues the list holds: by issue type name and status category (default: open ones, not `done`). */
export interface JiraIssueFilter {
  types?: string[];
  statusCategories?: JiraStatusCategory[];
}

/** What the Jira backend offers the browser (routes under /api/jira). */
export interface JiraApi {
  /** An entity's project, issues (filtered), counts by type and priority and created vs resolved over 30 days; a Group's aggregate its components. */
  getEntitySummary(entityRef: string, filter?: JiraIssueFilter): Promise<JiraEntitySummary>;
}

export const jiraApiRef = createApiRef<JiraApi>({ id: 'plugin.jira.service' });
