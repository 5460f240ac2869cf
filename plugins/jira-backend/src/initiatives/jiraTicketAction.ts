import { createHash } from 'node:crypto';
import { parseEntityRef, stringifyEntityRef, type Entity } from '@portico/catalog-model';
import { ANNOTATION_JIRA_HOST, ANNOTATION_JIRA_PROJECT_KEY } from '@portico/plugin-jira-common';
import type { InitiativeAction } from '@portico/plugin-scorecards-node';
import { z } from 'zod';
import type { InitiativeTicketJira } from './InitiativeTicketJira';
import { failingAgainComment, outOfScopeComment, passingComment, ticketDescription, ticketSummary } from './ticketText';

/** The initiative action type the Jira package registers. */
export const JIRA_TICKET_ACTION_TYPE = 'jira.ticket';

/**
 * How long after an issue is created Jira's search may still miss it (Cloud's index lags a new issue by a few
 * seconds), with room for the create request itself: how long a retry of a call cut short waits from its start.
 */
export const JIRA_SEARCH_SETTLE_MS = 30_000;

/** A Jira project key as Jira allows it (letters first, then letters, digits and underscores). */
const projectKeySchema = z.string().regex(/^[A-Z][A-Z0-9_]{0,49}$/, 'must be a Jira project key such as OPS');

export const jiraTicketParamsSchema = z
  .object({
    /** The issue type of the tickets. */
    issueType: z.string().min(1).max(255).default('Task'),
    /** Labels added to every ticket (besides the portal's own idempotency label). */
    labels: z.array(z.string().regex(/^\S{1,255}$/, 'a Jira label has no spaces')).max(20).default([]),
    /** The project of entities whose owner has no `jira/project-key`; without it, such entities get an error. */
    fallbackProjectKey: projectKeySchema.optional(),
  })
  .strict();
export type JiraTicketParams = z.infer<typeof jiraTicketParamsSchema>;

/** The label that finds the ticket of one initiative, entity and failing rule set again (Jira labels have no spaces). */
export function idempotencyLabel(idempotencyKey: string): string {
  return `portico-initiative-${createHash('sha1').update(idempotencyKey).digest('hex').slice(0, 20)}`;
}

/** Where an entity's ticket goes: its owner group's `jira/project-key` (and `jira/host`), else the fallback. */
async function projectOf(entity: Entity, params: JiraTicketParams, readEntity: (ref: string) => Promise<Entity | undefined>) {
  const owner = typeof entity.spec?.owner === 'string' ? entity.spec.owner : undefined;
  let ownerRef: string | undefined;
  let ownerEntity: Entity | undefined;
  if (owner) {
    try {
      ownerRef = stringifyEntityRef(parseEntityRef(owner, { defaultKind: 'group', defaultNamespace: entity.metadata.namespace ?? 'default' }));
      ownerEntity = await readEntity(ownerRef);
    } catch {
      ownerEntity = undefined;
    }
  }
  const projectKey = ownerEntity?.metadata.annotations?.[ANNOTATION_JIRA_PROJECT_KEY]?.trim();
  if (projectKey) {
    if (!projectKeySchema.safeParse(projectKey).success) throw new Error(`${ownerRef} has an invalid ${ANNOTATION_JIRA_PROJECT_KEY} '${projectKey}'`);
    return { projectKey, host: ownerEntity?.metadata.annotations?.[ANNOTATION_JIRA_HOST]?.trim() || undefined };
  }
  if (params.fallbackProjectKey) return { projectKey: params.fallbackProjectKey, host: undefined };
  if (!owner) throw new Error(`the entity has no owner, so no Jira project (give it one, or the action a fallbackProjectKey)`);
  if (!ownerEntity) throw new Error(`its owner ${ownerRef ?? owner} is not in the catalog, so no Jira project (or give the action a fallbackProjectKey)`);
  throw new Error(`its owner ${ownerRef} has no ${ANNOTATION_JIRA_PROJECT_KEY} annotation (add one, or give the action a fallbackProjectKey)`);
}

/**
 * `jira.ticket`: one Jira issue per entity below an initiative's target, in its owner's project, describing the
 * failing rules with their remediation and linking the entity; a comment when its failing rules change and when
 * it reaches the target. Before creating, it looks for the issue of the same idempotency label, so a retry after
 * a crash or a stop between Jira's answer and the portal's record finds the issue instead of opening a second one
 * (the retry comes `JIRA_SEARCH_SETTLE_MS` after the cut call began at the earliest, when the search shows it).
 */
export function createJiraTicketAction(options: {
  jira: InitiativeTicketJira;
  /** Reads an entity (the owner group) from the catalog; undefined when absent. */
  readEntity: (entityRef: string) => Promise<Entity | undefined>;
  /**
   * The portal's origin (`backend.baseUrl`, else the one the host derives from the port it listens on), for an
   * `entityUrl` the scorecards plugin hands over relative: Jira drops a relative link from the ticket.
   */
  portalBaseUrl?: () => Promise<string | undefined>;
}): InitiativeAction<JiraTicketParams> {
  const { jira, readEntity } = options;
  const absolute = async <T extends { entityUrl: string }>(context: T): Promise<T> => {
    if (!context.entityUrl.startsWith('/') || context.entityUrl.startsWith('//') || !options.portalBaseUrl) return context;
    const base = (await options.portalBaseUrl().catch(() => undefined))?.replace(/\/+$/, '');
    return base && /^https?:\/\//i.test(base) ? { ...context, entityUrl: `${base}${context.entityUrl}` } : context;
  };
  return {
    type: JIRA_TICKET_ACTION_TYPE,
    description: "Opens a Jira issue per failing entity in its owner's project (the owner group's jira/project-key).",
    paramsSchema: jiraTicketParamsSchema,
    // Jira Cloud's search shows a new issue a few seconds after it is created: a retry of a call cut short (a graceful
    // stop frees the task at once) waits this long from that call's start, so its lookup by label finds the issue.
    retryAfterUncertainMs: JIRA_SEARCH_SETTLE_MS,
    async onFailing(given) {
      const context = await absolute(given);
      const { host } = context.link ? await projectOf(context.entity, context.params, readEntity).catch(() => ({ host: undefined })) : { host: undefined };
      if (context.link) {
        await jira.addComment({ host, issueKey: context.link.key, bodyMarkdown: failingAgainComment(context), signal: context.signal });
        return context.link;
      }
      const project = await projectOf(context.entity, context.params, readEntity);
      const label = idempotencyLabel(context.idempotencyKey);
      const [existing] = await jira.findByLabel({ host: project.host, projectKey: project.projectKey, label, signal: context.signal });
      const ticket =
        existing ??
        (await jira.createIssue({
          host: project.host,
          projectKey: project.projectKey,
          issueType: context.params.issueType,
          summary: ticketSummary(context),
          descriptionMarkdown: ticketDescription(context),
          labels: [...new Set([...context.params.labels, label])],
          signal: context.signal,
        }));
      return { type: JIRA_TICKET_ACTION_TYPE, key: ticket.key, url: ticket.url };
    },
    async onPassing(given) {
      const context = await absolute(given);
      const { host } = await projectOf(context.entity, context.params, readEntity).catch(() => ({ host: undefined }));
      await jira.addComment({ host, issueKey: context.link.key, bodyMarkdown: passingComment(context), signal: context.signal });
    },
    // The ticket stays open (closing it is the team's call, and Jira workflows differ): a comment says the portal is done with it.
    async onOutOfScope(given) {
      const context = await absolute(given);
      const project = context.entity ? await projectOf(context.entity, context.params, readEntity).catch(() => undefined) : undefined;
      let link = context.link;
      if (!link && project) {
        // The first call was cut short before its record: the ticket it may have opened carries the label.
        const [found] = await jira.findByLabel({ host: project.host, projectKey: project.projectKey, label: idempotencyLabel(context.idempotencyKey), signal: context.signal });
        if (found) link = { type: JIRA_TICKET_ACTION_TYPE, key: found.key, url: found.url };
      }
      if (!link) return undefined;
      const host = project?.host ?? jira.hostOfIssueUrl?.(link.url);
      await jira.addComment({ host, issueKey: link.key, bodyMarkdown: outOfScopeComment(context), signal: context.signal });
      return link;
    },
  };
}
