import { createPluginHttpClient, type DiscoveryApi, type FetchApi, type PluginHttpClient } from '@portico/frontend-plugin-api';
import { JIRA_ENTITY_PATH, type JiraEntitySummary } from '@portico/plugin-jira-common';
import type { JiraApi, JiraIssueFilter } from './JiraApi';

/** JiraApi over HTTP: discovery finds `/api/jira`, fetchApi adds credentials. */
export class JiraClient implements JiraApi {
  private readonly http: PluginHttpClient;

  constructor(deps: { discoveryApi: DiscoveryApi; fetchApi?: FetchApi }) {
    this.http = createPluginHttpClient({ pluginId: 'jira', ...deps });
  }

  getEntitySummary(entityRef: string, filter: JiraIssueFilter = {}): Promise<JiraEntitySummary> {
    const query = new URLSearchParams({ entityRef });
    if (filter.types?.length) query.set('type', filter.types.join(','));
    if (filter.statusCategories?.length) query.set('statusCategory', filter.statusCategories.join(','));
    return this.http.request(`${JIRA_ENTITY_PATH}?${query}`);
  }
}
