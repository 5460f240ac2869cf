import { z } from 'zod';
import type { EventsService } from '@portico/backend-plugin-api';
import { stringifyEntityRef } from '@portico/catalog-model';
import type { CatalogApi } from '@portico/plugin-catalog-common';
import { ANNOTATION_JIRA_PROJECT_KEY, jiraIssueTopic, type JiraIssueEvent, type JiraIssueEventType } from '@portico/plugin-jira-common';
import type { JiraClients } from '../integration/JiraClients';
import { mappingOf } from '../jql';
import type { JiraEntityService } from '../service/JiraEntityService';

/** A Jira issue webhook body (Cloud admin webhooks and Data Center webhooks share it). */
export const webhookPayloadSchema = z.looseObject({
  webhookEvent: z.string().min(1).max(255),
  timestamp: z.number().optional(),
  issue: z
    .looseObject({
      id: z.union([z.string(), z.number()]).transform(String),
      key: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*-\d+$/, 'an issue key such as PAY-1'),
      fields: z
        .looseObject({
          summary: z.string().nullish(),
          project: z.looseObject({ key: z.string() }).nullish(),
          issuetype: z.looseObject({ name: z.string().optional() }).nullish(),
          status: z.looseObject({ statusCategory: z.looseObject({ key: z.string().optional() }).nullish() }).nullish(),
          labels: z.array(z.string()).nullish(),
          components: z.array(z.looseObject({ name: z.string().optional() })).nullish(),
        })
        .nullish(),
    })
    .optional(),
});
export type JiraWebhookPayload = z.output<typeof webhookPayloadSchema>;

const EVENT_TYPES: Record<string, JiraIssueEventType> = { 'jira:issue_created': 'created', 'jira:issue_updated': 'updated', 'jira:issue_deleted': 'deleted' };

/** `created`, `updated` or `deleted` for an issue event; undefined for any other (acknowledged, ignored). */
export const issueEventType = (webhookEvent: string): JiraIssueEventType | undefined => EVENT_TYPES[webhookEvent];

/**
 * The entities an issue belongs to: those of its site annotated with its project whose `jira/component` and
 * `jira/label` (when present) it carries. A `jira/jql` clause cannot be checked here: such an entity counts as
 * matching (its facts are read again, which is cheap and right).
 */
export async function entitiesOfIssue(deps: { catalog: CatalogApi; clients: JiraClients; token?: string }, host: string, issue: NonNullable<JiraWebhookPayload['issue']>): Promise<string[]> {
  const projectKey = (issue.fields?.project?.key ?? issue.key.split('-')[0]).toUpperCase();
  const options = deps.token ? { token: deps.token } : undefined;
  const variants = [...new Set([projectKey, projectKey.toLowerCase()])];
  const { items } = await deps.catalog.getEntities({ filter: { [`metadata.annotations.${ANNOTATION_JIRA_PROJECT_KEY}`]: variants } }, options);
  const labels = issue.fields?.labels ?? undefined;
  const components = issue.fields?.components?.map(c => c.name).filter((n): n is string => Boolean(n));
  const refs = new Set<string>();
  for (const entity of items) {
    const entityRef = stringifyEntityRef(entity);
    let mapping;
    try {
      mapping = mappingOf(entity, entityRef);
    } catch {
      continue;
    }
    if (!mapping || mapping.projectKey !== projectKey) continue;
    if ((mapping.host ?? deps.clients.defaultHost ?? '').toLowerCase() !== host.toLowerCase()) continue;
    // A deleted issue's body may lack fields: every mapping of the project counts.
    if (mapping.label && labels && !labels.includes(mapping.label)) continue;
    if (mapping.component && components && !components.includes(mapping.component)) continue;
    refs.add(entityRef);
  }
  return [...refs].sort();
}

/**
 * Applies a verified issue event: forgets the project's cached issues, finds the matching entities, and publishes
 * the event on `jira.issue.<type>` (the scorecards module pushes fresh facts from there).
 */
export function createIssueWebhookHandler(deps: {
  service: JiraEntityService;
  clients: JiraClients;
  catalog: CatalogApi;
  events: EventsService;
  catalogToken: () => Promise<string | undefined>;
}) {
  return async (host: string, payload: JiraWebhookPayload): Promise<JiraIssueEvent | undefined> => {
    const eventType = issueEventType(payload.webhookEvent);
    const issue = payload.issue;
    if (!eventType || !issue) return undefined;
    const projectKey = (issue.fields?.project?.key ?? issue.key.split('-')[0]).toUpperCase();
    await deps.service.forgetProject(host, projectKey);
    const entityRefs = await entitiesOfIssue({ ...deps, token: await deps.catalogToken() }, host, issue);
    const client = deps.clients.forHost(host);
    const message: JiraIssueEvent = {
      eventType,
      host: client.host,
      webhookEvent: payload.webhookEvent,
      occurredAt: new Date(payload.timestamp ?? Date.now()).toISOString(),
      issue: {
        id: issue.id,
        key: issue.key,
        projectKey,
        summary: issue.fields?.summary ?? null,
        type: issue.fields?.issuetype?.name ?? null,
        statusCategory: issue.fields?.status?.statusCategory?.key ?? null,
        url: client.issueUrl(issue.key),
      },
      entityRefs,
    };
    await deps.events.publish({ topic: jiraIssueTopic(eventType), payload: message, metadata: { plugin: 'jira' } });
    return message;
  };
}
