/**
 * @portico/plugin-jira: the Jira web UI. Install `jiraPlugin` (the default export) in the app; its tab and card
 * show only on entities annotated `jira/project-key` (on a Group they aggregate its components' issues).
 */
export { jiraPlugin, jiraPlugin as default } from './plugin';
export { jiraApiRef, type JiraApi, type JiraIssueFilter } from './api/JiraApi';
export { JiraClient } from './api/JiraClient';
