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
  /**
   * What an update changed (`jira:issue_updated`): one item per field, with the values before (`from`, `fromString`)
   * and after. Labels are one item (`fromString` the old labels, space-separated); each component added or removed
   * is one item (`field: Component`); a move to another project is a `project` item (ids in `from`/`to`, names in
   * the strings) and a `Key` item (the old and new issue keys in the strings).
   */
  changelog: z
    .looseObject({
      items: z
        .array(
          z.looseObject({
            field: z.string().nullish(),
            fieldId: z.string().nullish(),
            from: z.union([z.string(), z.number()]).nullish(),
            fromString: z.string().nullish(),
            to: z.union([z.string(), z.number()]).nullish(),
            toString: z.string().nullish(),
          }),
        )
        .nullish(),
    })
    .nullish()
    .catch(undefined),
});
export type JiraWebhookPayload = z.output<typeof webhookPayloadSchema>;
type JiraIssuePayload = NonNullable<JiraWebhookPayload['issue']>;
type ChangelogItem = NonNullable<NonNullable<NonNullable<JiraWebhookPayload['changelog']>['items']>[number]>;

/** What an issue looked like for matching: its project, and its labels and components (undefined: not known). */
export interface IssueMatchState {
  projectKey: string;
  labels?: string[];
  components?: string[];
}

const ISSUE_KEY = /^([A-Za-z][A-Za-z0-9_]*)-\d+$/;
const fieldOf = (item: ChangelogItem) => (item.fieldId ?? item.field ?? '').toLowerCase();

/** The issue's project key, labels and components as the webhook says they are now. */
export function currentState(issue: JiraIssuePayload): IssueMatchState {
  return {
    projectKey: (issue.fields?.project?.key ?? issue.key.split('-')[0]).toUpperCase(),
    labels: issue.fields?.labels ?? undefined,
    components: issue.fields?.components?.map(c => c.name).filter((n): n is string => Boolean(n)),
  };
}

/**
 * The issue as it was before an update, from the webhook's `changelog`: undefined when the update changed none of
 * its project, labels and components (the only fields a mapping matches without Jira). `projectOfId` resolves a
 * `project` item's old id to its key when there is no `Key` item to read it from.
 */
export async function previousState(
  issue: JiraIssuePayload,
  changelog: JiraWebhookPayload['changelog'],
  projectOfId?: (id: string) => Promise<string | undefined>,
): Promise<IssueMatchState | undefined> {
  const items = changelog?.items ?? [];
  if (!items.length) return undefined;
  const now = currentState(issue);
  let changed = false;
  let { projectKey } = now;
  let labels = now.labels;
  let components = now.components;
  const keyItem = items.find(i => fieldOf(i) === 'key' || fieldOf(i) === 'issuekey');
  const oldKey = keyItem?.fromString ? ISSUE_KEY.exec(keyItem.fromString.trim()) : null;
  if (oldKey) {
    changed ||= oldKey[1].toUpperCase() !== projectKey;
    projectKey = oldKey[1].toUpperCase();
  } else {
    const projectItem = items.find(i => fieldOf(i) === 'project');
    const fromId = projectItem?.from === null || projectItem?.from === undefined ? undefined : String(projectItem.from);
    const oldProject = fromId && projectOfId ? await projectOfId(fromId).catch(() => undefined) : undefined;
    if (oldProject && oldProject.toUpperCase() !== projectKey) {
      changed = true;
      projectKey = oldProject.toUpperCase();
    }
  }
  const labelItem = items.find(i => fieldOf(i) === 'labels');
  if (labelItem) {
    changed = true;
    labels = (labelItem.fromString ?? '').split(/\s+/).filter(Boolean);
  }
  const componentItems = items.filter(i => fieldOf(i) === 'component' || fieldOf(i) === 'components');
  if (componentItems.length) {
    changed = true;
    const before = new Set(components ?? []);
    for (const item of componentItems) {
      // `toString` may be absent: then `item.toString` is Object.prototype's function, not a value.
      const added = typeof item.toString === 'string' ? item.toString : undefined;
      if (added) before.delete(added);
      if (item.fromString) before.add(item.fromString);
    }
    components = [...before];
  }
  return changed ? { projectKey, labels, components } : undefined;
}

const EVENT_TYPES: Record<string, JiraIssueEventType> = { 'jira:issue_created': 'created', 'jira:issue_updated': 'updated', 'jira:issue_deleted': 'deleted' };

/** `created`, `updated` or `deleted` for an issue event; undefined for any other (acknowledged, ignored). */
export const issueEventType = (webhookEvent: string): JiraIssueEventType | undefined => EVENT_TYPES[webhookEvent];

/**
 * The entities an issue belongs to: those of its site annotated with its project whose `jira/component` and
 * `jira/label` (when present) it carries, in any of `states` (the issue now, and before an update: an issue that
 * lost an entity's label or component, or moved to another project, still concerns that entity). A `jira/jql`
 * clause cannot be checked here: such an entity counts as matching (its facts are read again, which is cheap and
 * right).
 */
export async function entitiesOfIssue(deps: { catalog: CatalogApi; clients: JiraClients; token?: string }, host: string, states: IssueMatchState[]): Promise<string[]> {
  const options = deps.token ? { token: deps.token } : undefined;
  const projectKeys = [...new Set(states.map(s => s.projectKey))];
  const variants = [...new Set(projectKeys.flatMap(key => [key, key.toLowerCase()]))];
  const { items } = await deps.catalog.getEntities({ filter: { [`metadata.annotations.${ANNOTATION_JIRA_PROJECT_KEY}`]: variants } }, options);
  const refs = new Set<string>();
  for (const entity of items) {
    const entityRef = stringifyEntityRef(entity);
    let mapping;
    try {
      mapping = mappingOf(entity, entityRef);
    } catch {
      continue;
    }
    if (!mapping) continue;
    if ((mapping.host ?? deps.clients.defaultHost ?? '').toLowerCase() !== host.toLowerCase()) continue;
    const matches = (state: IssueMatchState) =>
      mapping.projectKey === state.projectKey &&
      // A deleted issue's body may lack fields: every mapping of the project counts.
      !(mapping.label && state.labels && !state.labels.includes(mapping.label)) &&
      !(mapping.component && state.components && !state.components.includes(mapping.component));
    if (states.some(matches)) refs.add(entityRef);
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
    const client = deps.clients.forHost(host);
    const now = currentState(issue);
    const { projectKey } = now;
    // An update that took the issue out of an entity's label, component or project concerns that entity too. The old
    // project's id is looked up through the service's project cache: a bulk move sends one webhook per issue.
    const before = eventType === 'updated' ? await previousState(issue, payload.changelog, async id => (await deps.service.project(client, id)).key) : undefined;
    const states = before ? [now, before] : [now];
    for (const key of new Set(states.map(s => s.projectKey))) await deps.service.forgetProject(host, key);
    const entityRefs = await entitiesOfIssue({ ...deps, token: await deps.catalogToken() }, host, states);
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
