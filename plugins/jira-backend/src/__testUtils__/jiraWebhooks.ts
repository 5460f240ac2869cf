import { createHmac } from 'node:crypto';
import type { FakeIssueRecord } from './fakeJql';

/** `X-Hub-Signature` as Jira Cloud signs an admin webhook with a secret: `sha256=` and the hex HMAC-SHA256 of the body. */
export function hubSignature(body: string | Buffer, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** One field change of a webhook's `changelog.items`, as Jira sends it. */
export interface JiraChangelogItem {
  field: string;
  fieldtype: 'jira' | 'custom';
  fieldId?: string;
  from: string | null;
  fromString: string | null;
  to: string | null;
  toString: string | null;
}

/** The changelog item of a labels change: Jira writes each side as the labels joined by spaces. */
export const labelsChange = (from: string[], to: string[]): JiraChangelogItem => ({
  field: 'labels', fieldtype: 'jira', fieldId: 'labels', from: null, fromString: from.join(' '), to: null, toString: to.join(' '),
});
/** The changelog item of a component removed (`to` absent) or added (`from` absent); one item per component. */
export const componentChange = (change: { removed?: { id: string; name: string }; added?: { id: string; name: string } }): JiraChangelogItem => ({
  field: 'Component', fieldtype: 'jira', fieldId: 'components',
  from: change.removed?.id ?? null, fromString: change.removed?.name ?? null, to: change.added?.id ?? null, toString: change.added?.name ?? null,
});
/** The two items of a move to another project: `project` (ids and names) and `Key` (the old and new keys). */
export const moveChange = (from: { id: string; name: string; key: string }, to: { id: string; name: string; key: string }, options: { withKey?: boolean } = {}): JiraChangelogItem[] => [
  { field: 'project', fieldtype: 'jira', fieldId: 'project', from: from.id, fromString: from.name, to: to.id, toString: to.name },
  ...(options.withKey === false ? [] : [{ field: 'Key', fieldtype: 'jira' as const, from: null, fromString: from.key, to: null, toString: to.key }]),
];

/** A Jira issue webhook body (`jira:issue_created`, `_updated`, `_deleted`), shaped like Jira's webhook documentation. */
export function issueWebhookPayload(webhookEvent: string, issue: FakeIssueRecord, options: { baseUrl?: string; projectId?: string; changelog?: JiraChangelogItem[] } = {}) {
  const base = options.baseUrl ?? 'https://acme.atlassian.net';
  return {
    timestamp: Date.now(),
    webhookEvent,
    issue_event_type_name: webhookEvent === 'jira:issue_created' ? 'issue_created' : webhookEvent === 'jira:issue_deleted' ? 'issue_deleted' : 'issue_generic',
    user: { self: `${base}/rest/api/2/user?accountId=5b10a2844c20165700ede21g`, accountId: '5b10a2844c20165700ede21g', displayName: 'Alice Adams', active: true },
    issue: {
      id: issue.id,
      self: `${base}/rest/api/2/issue/${issue.id}`,
      key: issue.key,
      fields: {
        summary: issue.summary,
        created: issue.created.replace(/Z$/, '+0000'),
        project: { self: `${base}/rest/api/2/project/${options.projectId ?? '10000'}`, id: options.projectId ?? '10000', key: issue.projectKey, name: issue.projectKey },
        issuetype: { id: '10004', name: issue.type, subtask: false },
        status: { name: issue.status, statusCategory: { id: 2, key: issue.statusCategory, name: issue.status } },
        priority: issue.priority ? { id: '3', name: issue.priority } : null,
        labels: issue.labels,
        components: issue.components.map((name, i) => ({ id: String(10000 + i), name })),
      },
    },
    changelog: { id: '10100', items: options.changelog ?? [] },
  };
}
