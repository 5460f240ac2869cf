import { z } from 'zod';
import { InputError } from '@portico/errors';
import { JIRA_ACTION_ISSUE_COMMENT, JIRA_ACTION_ISSUE_CREATE } from '@portico/plugin-jira-common';
import { createTemplateAction, type TemplateAction } from '@portico/plugin-scaffolder-node';
import type { JiraClients } from '../integration/JiraClients';

const host = z.string().min(1).optional().describe('the integrations.jira host; the first configured site when absent');
const projectKey = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,254}$/, 'a Jira project key such as PAY');
const issueKey = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*-\d+$/, 'an issue key such as PAY-123');

/** `jira:issue:create`: an issue in a project, description from markdown (ADF on Cloud, wiki markup on Data Center). */
export function createJiraIssueCreateAction(clients: JiraClients): TemplateAction {
  return createTemplateAction({
    id: JIRA_ACTION_ISSUE_CREATE,
    description: 'Creates a Jira issue. The description is markdown (written as ADF on Jira Cloud, wiki markup on Data Center); the assignee an email or an account id (Cloud) / user name (Data Center).',
    examples: [
      {
        description: 'Open a ticket for a new service',
        example:
          'action: jira:issue:create\ninput:\n  project: PAY\n  issueType: Task\n  summary: Set up monitoring for ${{ parameters.name }}\n  description: |\n    The service **${{ parameters.name }}** was created.\n    - add dashboards\n  labels: [onboarding]\n  assignee: ${{ user.entity.spec.profile.email }}',
      },
    ],
    supportsDryRun: true,
    schema: {
      input: z.object({
        host,
        project: projectKey,
        issueType: z.string().min(1).max(255).default('Task'),
        summary: z.string().trim().min(1, 'summary must not be empty').max(255),
        description: z.string().max(32_000).optional(),
        labels: z.array(z.string().regex(/^\S{1,255}$/, 'a Jira label has no spaces')).max(50).default([]),
        components: z.array(z.string().min(1).max(255)).max(50).default([]),
        assignee: z.string().min(1).max(255).optional(),
        priority: z.string().min(1).max(255).optional(),
      }),
      output: z.object({ issueKey: z.string(), issueUrl: z.string() }),
    },
    async handler(ctx) {
      const { input } = ctx;
      const client = clients.forHost(input.host);
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would create a ${input.issueType} in ${input.project} on ${client.host}: ${input.summary}`);
        ctx.output('issueKey', `${input.project}-0`);
        ctx.output('issueUrl', client.issueUrl(`${input.project}-0`));
        return;
      }
      // Once per run and step: a resumed run does not open a second issue.
      const created = await ctx.checkpoint(`jira:issue:create:${client.host}:${ctx.stepId}`, async () => {
        const issue = await client.createIssue({
          projectKey: input.project,
          issueType: input.issueType,
          summary: input.summary,
          descriptionMarkdown: input.description,
          labels: input.labels,
          components: input.components,
          assignee: input.assignee,
          priority: input.priority,
          signal: ctx.signal,
        });
        return { key: issue.key, url: issue.url };
      });
      ctx.logger.info(`Created ${created.key}: ${created.url}`);
      ctx.output('issueKey', created.key);
      ctx.output('issueUrl', created.url);
    },
  });
}

/** `jira:issue:comment`: a markdown comment on an issue. */
export function createJiraIssueCommentAction(clients: JiraClients): TemplateAction {
  return createTemplateAction({
    id: JIRA_ACTION_ISSUE_COMMENT,
    description: 'Adds a comment to a Jira issue. The body is markdown (written as ADF on Jira Cloud, wiki markup on Data Center).',
    examples: [{ description: 'Comment on the ticket of an earlier step', example: 'action: jira:issue:comment\ninput:\n  issueKey: ${{ steps.ticket.output.issueKey }}\n  body: Repository created: ${{ steps.publish.output.remoteUrl }}' }],
    supportsDryRun: true,
    schema: {
      input: z.object({ host, issueKey, body: z.string().max(32_000) }),
      output: z.object({ commentId: z.string(), issueUrl: z.string() }),
    },
    async handler(ctx) {
      const { input } = ctx;
      if (!input.body.trim()) throw new InputError('The comment body must not be empty');
      const client = clients.forHost(input.host);
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would comment on ${input.issueKey} on ${client.host}`);
        ctx.output('commentId', '0');
        ctx.output('issueUrl', client.issueUrl(input.issueKey));
        return;
      }
      const comment = await ctx.checkpoint(`jira:issue:comment:${client.host}:${ctx.stepId}`, async () => {
        const added = await client.addComment({ issueKey: input.issueKey, bodyMarkdown: input.body, signal: ctx.signal });
        return { id: String(added.id) };
      });
      ctx.logger.info(`Commented on ${input.issueKey}`);
      ctx.output('commentId', comment.id);
      ctx.output('issueUrl', client.issueUrl(input.issueKey));
    },
  });
}
