import type { Entity } from '@portico/catalog-model';
import type { JiraEntitySummary, JiraIssue } from '@portico/plugin-jira-common';
import type { JiraApi } from '../api/JiraApi';

export const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments', annotations: { 'jira/project-key': 'PAY' } },
  spec: { type: 'service', owner: 'team-a' },
};

export const group: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'team-a', annotations: { 'jira/project-key': 'PAY' } },
  spec: { type: 'team', children: [] },
};

export const project = {
  key: 'PAY',
  name: 'Payments',
  lead: { displayName: 'Alice Archer', accountId: 'acc-1', avatarUrl: null },
  avatarUrl: null,
  url: 'https://acme.atlassian.net/browse/PAY',
  host: 'acme.atlassian.net',
};

export function issue(key: string, overrides: Partial<JiraIssue> = {}): JiraIssue {
  return {
    key,
    summary: `Summary of ${key}`,
    type: 'Bug',
    priority: 'High',
    statusCategory: 'new',
    status: 'To Do',
    assignee: null,
    createdAt: '2026-11-20T10:00:00.000Z',
    ageDays: 16,
    url: `https://acme.atlassian.net/browse/${key}`,
    ...overrides,
  };
}

const days = Array.from({ length: 30 }, (_, i) => ({ date: new Date(Date.UTC(2026, 10, 7 + i)).toISOString().slice(0, 10), created: i % 3 === 0 ? 2 : 0, resolved: i % 5 === 0 ? 1 : 0 }));

/** A project with three open issues (two bugs, a story) and 30 days of activity. */
export function summary(overrides: Partial<JiraEntitySummary> = {}): JiraEntitySummary {
  return {
    entityRef: 'component:default/payments',
    project,
    projects: [project],
    components: [],
    jql: 'project = "PAY" AND statusCategory != Done',
    issues: [
      issue('PAY-3', { summary: 'Refunds time out', priority: 'Highest', assignee: { displayName: 'Bob Baker', accountId: 'acc-2', avatarUrl: null }, ageDays: 0 }),
      issue('PAY-2', { type: 'Story', summary: 'Apple Pay', priority: 'Medium', statusCategory: 'indeterminate', status: 'In Review', ageDays: 1 }),
      issue('PAY-1', { summary: 'Rounding error', priority: null }),
    ],
    total: 3,
    truncated: false,
    countsByType: { Bug: 2, Story: 1 },
    countsByPriority: { Highest: 1, Medium: 1, None: 1 },
    createdVsResolved30d: days,
    errors: [],
    fetchedAt: '2026-12-06T10:00:00.000Z',
    ...overrides,
  };
}

/** A JiraApi answering `summary()`, each method a jest mock. */
export function fakeJiraApi(overrides: Partial<JiraApi> = {}): JiraApi & { getEntitySummary: jest.Mock } {
  return { getEntitySummary: jest.fn(async () => summary()), ...overrides } as JiraApi & { getEntitySummary: jest.Mock };
}

export { responseError } from './responseErrors';
