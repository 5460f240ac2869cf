/** @portico/plugin-jira-common: annotations, permissions, fact names and the shapes the Jira plugin pair exchange. Isomorphic. */
import { createPermission } from '@portico/permission-common';
import { z } from 'zod';

// Annotations. An entity's issues are those of `jira/project-key`, narrowed by `jira/component` AND `jira/label`
// AND `jira/jql` when present. A Group aggregates the issues of the components it owns.

/** The key of the Jira project an entity's issues live in (e.g. `PAY`); required, turns on the tab, card and facts. */
export const ANNOTATION_JIRA_PROJECT_KEY = 'jira/project-key';
/** A Jira component of the project; only its issues belong to the entity. */
export const ANNOTATION_JIRA_COMPONENT = 'jira/component';
/** A Jira label; only issues carrying it belong to the entity. */
export const ANNOTATION_JIRA_LABEL = 'jira/label';
/** An extra JQL clause ANDed (in parentheses) to the mapping; a clause Jira rejects is a catalog error on the entity. */
export const ANNOTATION_JIRA_JQL = 'jira/jql';
/** The `integrations.jira` site (its `host`) of the project, when it is not the first configured one. */
export const ANNOTATION_JIRA_HOST = 'jira/host';

/** Every annotation that narrows an entity's issues. */
export const JIRA_ANNOTATIONS = [ANNOTATION_JIRA_PROJECT_KEY, ANNOTATION_JIRA_COMPONENT, ANNOTATION_JIRA_LABEL, ANNOTATION_JIRA_JQL, ANNOTATION_JIRA_HOST] as const;

/** True when the entity is mapped to Jira (has `jira/project-key`). */
export function isJiraAvailable(entity: { metadata: { annotations?: Record<string, string> } }): boolean {
  return Boolean(entity.metadata.annotations?.[ANNOTATION_JIRA_PROJECT_KEY]?.trim());
}

// Permissions. Reads for the tab and card are authorized as reads of the entity (the catalog decides);
// writes to Jira name their own permission.

/** Create a Jira issue (`jira:issue:create`, and the tickets an initiative opens). */
export const jiraIssueCreatePermission = createPermission({ name: 'jira.issue.create', attributes: { action: 'create' } });
/** Comment on a Jira issue (`jira:issue:comment`). */
export const jiraIssueCommentPermission = createPermission({ name: 'jira.issue.comment', attributes: { action: 'update' } });

/** Every permission of the Jira plugin. */
export const jiraPermissions = [jiraIssueCreatePermission, jiraIssueCommentPermission];

// The shapes of /api/jira: one zod schema per answer, so the backend validates what it sends and the frontend can
// parse what it receives.

/** The route of an entity's issues: `GET /api/jira/entity?entityRef=component:default/payments[&type=Bug][&statusCategory=new]`. */
export const JIRA_ENTITY_PATH = '/entity';

/** Jira's status categories by their key: To Do (`new`), In Progress (`indeterminate`), Done (`done`). */
export const JIRA_STATUS_CATEGORIES = ['new', 'indeterminate', 'done'] as const;
export const jiraStatusCategorySchema = z.enum(JIRA_STATUS_CATEGORIES);
export type JiraStatusCategory = z.infer<typeof jiraStatusCategorySchema>;

/** The query of `GET /api/jira/entity`. `type` and `statusCategory` filter the issues list (not the counts). */
export const jiraEntityQuerySchema = z
  .object({
    entityRef: z.string().min(1),
    /** An issue type name (`Bug`, `Story`, …); several as a comma-separated list. */
    type: z.string().optional(),
    /** `new`, `indeterminate` or `done`; several as a comma-separated list. Default: open issues (not `done`). */
    statusCategory: z.string().optional(),
  })
  .meta({ id: 'JiraEntityQuery' });
export type JiraEntityQuery = z.infer<typeof jiraEntityQuerySchema>;

/** A Jira user as the API shows it (Cloud has `accountId`, Data Center a user `name`, kept in `accountId`). */
export const jiraUserSchema = z
  .object({ displayName: z.string(), accountId: z.string().nullable(), avatarUrl: z.string().nullable() })
  .meta({ id: 'JiraUser' });
export type JiraUser = z.infer<typeof jiraUserSchema>;

/** The Jira project of an entity. */
export const jiraProjectSchema = z
  .object({
    key: z.string(),
    name: z.string(),
    lead: jiraUserSchema.nullable(),
    avatarUrl: z.string().nullable(),
    /** The project in Jira's web UI. */
    url: z.string(),
    /** The `integrations.jira` host the project lives on. */
    host: z.string(),
  })
  .meta({ id: 'JiraProject' });
export type JiraProject = z.infer<typeof jiraProjectSchema>;

/** One issue of the Issues tab. */
export const jiraIssueSchema = z
  .object({
    key: z.string(),
    summary: z.string(),
    /** The issue type name (`Bug`, `Story`, `Task`, …). */
    type: z.string(),
    /** The priority name (`Highest` … `Lowest`), null when the project has none. */
    priority: z.string().nullable(),
    statusCategory: jiraStatusCategorySchema,
    /** The status name (`In Review`, …). */
    status: z.string(),
    assignee: jiraUserSchema.nullable(),
    createdAt: z.string(),
    /** Whole days since it was created, when the answer was computed. */
    ageDays: z.number().int().nonnegative(),
    /** The issue in Jira's web UI (`<site>/browse/KEY-1`). */
    url: z.string(),
  })
  .meta({ id: 'JiraIssue' });
export type JiraIssue = z.infer<typeof jiraIssueSchema>;

/** Issues created and resolved on one day (UTC, `YYYY-MM-DD`). */
export const jiraDailyCountSchema = z.object({ date: z.string(), created: z.number().int().nonnegative(), resolved: z.number().int().nonnegative() }).meta({ id: 'JiraDailyCount' });
export type JiraDailyCount = z.infer<typeof jiraDailyCountSchema>;

/**
 * Why (part of) an entity's issues could not be read: the mapping of a Group's component, a JQL Jira rejects,
 * a project that does not exist or the token cannot see. The rest of the answer holds what could be read.
 */
export const jiraEntityErrorSchema = z
  .object({
    /** The entity whose mapping failed (the entity itself, or one of a Group's components). */
    entityRef: z.string(),
    /** `invalid-jql`: Jira rejected the query; `project-not-found`: unknown or hidden project; `unavailable`: Jira down, slow, rate-limited or refusing the credentials. */
    kind: z.enum(['invalid-jql', 'project-not-found', 'unavailable', 'invalid-annotation']),
    message: z.string(),
  })
  .meta({ id: 'JiraEntityError' });
export type JiraEntityError = z.infer<typeof jiraEntityErrorSchema>;

/** Everything the Issues tab, the overview card and the group view show for one entity. */
export const jiraEntitySummarySchema = z
  .object({
    entityRef: z.string(),
    /** The entity's own project; for a Group without `jira/project-key`, the first of its components' projects (null if none). */
    project: jiraProjectSchema.nullable(),
    /** Every project the answer covers (one for a component; a Group's components may span several). */
    projects: z.array(jiraProjectSchema),
    /** For a Group: the components whose issues are aggregated. Empty for other kinds. */
    components: z.array(z.string()),
    /** The JQL the issues were read with (for "open in Jira"). */
    jql: z.string(),
    /** Open issues (statusCategory not `done`) unless the query filters otherwise, newest first, at most `limit`. */
    issues: z.array(jiraIssueSchema),
    /** How many issues match the query (issues may hold fewer: `truncated`). */
    total: z.number().int().nonnegative(),
    truncated: z.boolean(),
    /** Open issues per issue type name (unfiltered by the query's type/statusCategory). */
    countsByType: z.record(z.string(), z.number().int().nonnegative()),
    /** Open issues per priority name (`None` for issues without one). */
    countsByPriority: z.record(z.string(), z.number().int().nonnegative()),
    /** The last 30 days, oldest first, one row per day. */
    createdVsResolved30d: z.array(jiraDailyCountSchema),
    errors: z.array(jiraEntityErrorSchema),
    /** When the answer was read from Jira (answers are cached). */
    fetchedAt: z.string(),
  })
  .meta({ id: 'JiraEntitySummary' });
export type JiraEntitySummary = z.infer<typeof jiraEntitySummarySchema>;

// Facts (scorecards). The names are a contract.

export const JIRA_FACTS = {
  openIssues: 'jira.openIssues',
  openBugs: 'jira.openBugs',
  /** `{ highest, high, medium, low, lowest }` */
  openBugsByPriority: 'jira.openBugsByPriority',
  oldestOpenBugAgeDays: 'jira.oldestOpenBugAgeDays',
  createdLast30d: 'jira.createdLast30d',
  resolvedLast30d: 'jira.resolvedLast30d',
  /** Open issues with the `jira.securityIssues` label or issue type. */
  openSecurityIssues: 'jira.openSecurityIssues',
} as const;
export type JiraFactName = (typeof JIRA_FACTS)[keyof typeof JIRA_FACTS];

/** The priorities of `jira.openBugsByPriority` (Jira's default priority scheme, lower-cased). */
export const JIRA_PRIORITIES = ['highest', 'high', 'medium', 'low', 'lowest'] as const;
export type JiraPriority = (typeof JIRA_PRIORITIES)[number];

// Issue events. A verified webhook (`POST /api/jira/webhooks`) is published on the events service under one topic
// per event type, for any plugin to react to without knowing Jira's webhook format.

export const JIRA_ISSUE_EVENT_TYPES = ['created', 'updated', 'deleted'] as const;
export type JiraIssueEventType = (typeof JIRA_ISSUE_EVENT_TYPES)[number];

/** The events topic of an issue event: `jira.issue.created`, `jira.issue.updated`, `jira.issue.deleted`. */
export const jiraIssueTopic = (eventType: JiraIssueEventType): string => `jira.issue.${eventType}`;
export const JIRA_ISSUE_TOPICS: readonly string[] = JIRA_ISSUE_EVENT_TYPES.map(jiraIssueTopic);

/** The payload of a `jira.issue.*` event. */
export interface JiraIssueEvent {
  eventType: JiraIssueEventType;
  /** The `integrations.jira` host whose secret verified the delivery. */
  host: string;
  /** Jira's webhook event (`jira:issue_created`, …). */
  webhookEvent: string;
  /** When it happened in Jira (the payload's `timestamp`, ISO-8601). */
  occurredAt: string;
  issue: { id: string; key: string; projectKey: string; summary: string | null; type: string | null; statusCategory: string | null; url: string };
  /** The entities whose mapping the issue matches; empty when none does. */
  entityRefs: string[];
}

// Scaffolder actions (ids are a contract).

export const JIRA_ACTION_ISSUE_CREATE = 'jira:issue:create';
export const JIRA_ACTION_ISSUE_COMMENT = 'jira:issue:comment';
