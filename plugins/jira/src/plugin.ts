import { ApiBlueprint, createFrontendPlugin, discoveryApiRef, fetchApiRef } from '@portico/frontend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@portico/plugin-catalog-common';
import { EntityCardBlueprint, EntityTabBlueprint } from '@portico/plugin-catalog-react';
import { ANNOTATION_JIRA_PROJECT_KEY } from '@portico/plugin-jira-common';
import { jiraApiRef } from './api/JiraApi';
import { JiraClient } from './api/JiraClient';

/** Entities annotated `jira/project-key`; on a Group the same views aggregate the issues of its components. */
const annotated = { [`metadata.annotations.${ANNOTATION_JIRA_PROJECT_KEY}`]: CATALOG_FILTER_EXISTS };

/** The Jira plugin: an "Issues" tab and a "Jira issues" overview card on entities mapped to a Jira project. */
export const jiraPlugin = createFrontendPlugin({
  id: 'jira',
  extensions: [
    ApiBlueprint({
      api: jiraApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) => new JiraClient({ discoveryApi, fetchApi }),
    }),
    EntityCardBlueprint({ name: 'overview', title: 'Jira issues', size: 'medium', filter: annotated, loader: () => import('./components/JiraOverviewCard') }),
    EntityTabBlueprint({ path: 'issues', title: 'Issues', filter: annotated, loader: () => import('./components/IssuesTab') }),
  ],
});
