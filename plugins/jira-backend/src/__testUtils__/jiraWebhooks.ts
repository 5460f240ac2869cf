import { createHmac } from 'node:crypto';
import type { FakeIssueRecord } from './fakeJql';

/** `X-Hub-Signature` as Jira Cloud signs an admin webhook with a secret: `sha256=` and the hex HMAC-SHA256 of the body. */
export function hubSignature(body: string | Buffer, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** A Jira issue webhook body (`jira:issue_created`, `_updated`, `_deleted`), shaped like Jira's webhook documentation. */
export function issueWebhookPayload(webhookEvent: string, issue: FakeIssueRecord, options: { baseUrl?: string } = {}) {
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
        project: { self: `${base}/rest/api/2/project/10000`, id: '10000', key: issue.projectKey, name: issue.projectKey },
        issuetype: { id: '10004', name: issue.type, subtask: false },
        status: { name: issue.status, statusCategory: { id: 2, key: issue.statusCategory, name: issue.status } },
        priority: issue.priority ? { id: '3', name: issue.priority } : null,
        labels: issue.labels,
        components: issue.components.map((name, i) => ({ id: String(10000 + i), name })),
      },
    },
    changelog: { id: '10100', items: [] },
  };
}
