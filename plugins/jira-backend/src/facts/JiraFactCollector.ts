import { z } from 'zod';
import type { LoggerService } from '@portico/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@portico/catalog-model';
import { JIRA_FACTS, JIRA_PRIORITIES } from '@portico/plugin-jira-common';
import type { CollectedFacts, FactCollector } from '@portico/plugin-scorecards-node';
import type { JiraApiIssue } from '../integration/jiraApiTypes';
import type { JiraClients } from '../integration/JiraClients';
import { JiraUnavailableError } from '../integration/jiraErrors';
import { jqlString, mappingJql, mappingOf, type JiraMapping } from '../jql';

const count = z.number().int().nonnegative();

/** The facts this collector produces, by name (all prefixed `jira.`). The names are a contract. */
export const jiraFacts = {
  [JIRA_FACTS.openIssues]: count,
  [JIRA_FACTS.openBugs]: count,
  [JIRA_FACTS.openBugsByPriority]: z.object({ highest: count, high: count, medium: count, low: count, lowest: count }),
  [JIRA_FACTS.oldestOpenBugAgeDays]: count,
  [JIRA_FACTS.createdLast30d]: count,
  [JIRA_FACTS.resolvedLast30d]: count,
  [JIRA_FACTS.openSecurityIssues]: count,
};

export type JiraFacts = CollectedFacts['facts'];

/** `jira.securityIssues`: the label or issue type that marks a security issue. */
export type JiraSecurityIssues = { label: string } | { issueType: string };

const OPEN = 'statusCategory != Done';
const BUG = 'issuetype = Bug';
const DAY_MS = 86_400_000;
/** The open issues read in one page; an entity with more is counted through the count endpoint instead. */
export const OPEN_ISSUES_PAGE = 100;
/** The fields of that page: what the open-issue facts are derived from. */
const FACT_FIELDS = ['issuetype', 'priority', 'created', 'labels'];

/** Jira compares issue type, priority and label names in JQL case-insensitively; so does the tally. */
const sameName = (a: string | undefined, b: string) => a !== undefined && a.toLowerCase() === b.toLowerCase();

/** The open-issue facts of a complete, oldest-first list of open issues (as the counts would give them). */
function tally(issues: JiraApiIssue[], securityIssues: JiraSecurityIssues | undefined) {
  const bugs = issues.filter(issue => sameName(issue.fields?.issuetype?.name, 'Bug'));
  const isSecurity = (issue: JiraApiIssue) =>
    securityIssues && ('label' in securityIssues ? (issue.fields?.labels ?? []).some(l => sameName(l, securityIssues.label)) : sameName(issue.fields?.issuetype?.name, securityIssues.issueType));
  return {
    openIssues: issues.length,
    openBugs: bugs.length,
    byPriority: JIRA_PRIORITIES.map(p => bugs.filter(b => sameName(b.fields?.priority?.name ?? undefined, p)).length),
    oldestBugCreated: bugs[0]?.fields?.created,
    security: securityIssues ? issues.filter(isSecurity).length : undefined,
  };
}

/**
 * The facts of one entity's mapping in as few requests as the backlog allows: the created and resolved counts
 * (count endpoint: they include done issues) beside one page of the open issues, oldest first, with the fields the
 * other facts need. When the open issues fit in that page (the usual case) every open-issue fact is tallied from
 * it: 3 requests. A larger backlog is never paged through: its counts come from the count endpoint (Cloud's
 * approximate count, Data Center's `total`), the oldest open bug from a second one-page search, and the bugs by
 * priority from the open bugs' page, or from counts when they do not fit either (at most 12 requests).
 * Any failure throws: the entity's facts stay as they were and become stale (rules using them unknown), never a
 * false fail.
 */
export async function collectMappingFacts(options: { clients: JiraClients; mapping: JiraMapping; securityIssues?: JiraSecurityIssues; now?: number; signal?: AbortSignal }): Promise<JiraFacts> {
  const { mapping, signal, securityIssues } = options;
  const client = options.clients.forHost(mapping.host);
  const what = `the facts of ${mapping.entityRef}`;
  const counted = (...clauses: string[]) => client.count({ jql: mappingJql(mapping, ...clauses), what, signal });
  const oldestFirst = (...clauses: string[]) => client.search({ jql: `${mappingJql(mapping, ...clauses)} ORDER BY created ASC`, fields: FACT_FIELDS, maxItems: OPEN_ISSUES_PAGE, what, signal });
  const [created, resolved, open] = await Promise.all([counted('created >= -30d'), counted('resolved >= -30d'), oldestFirst(OPEN)]);
  let facts = tally(open.issues, securityIssues);
  if (open.truncated) {
    const security = securityIssues
      ? 'label' in securityIssues
        ? `labels = ${jqlString(securityIssues.label)}`
        : `issuetype = ${jqlString(securityIssues.issueType)}`
      : undefined;
    const [openIssues, securityCount, bugs] = await Promise.all([
      open.total ?? counted(OPEN),
      security ? counted(security, OPEN) : Promise.resolve(undefined),
      oldestFirst(BUG, OPEN),
    ]);
    const bugFacts = tally(bugs.issues, undefined);
    const [openBugs, ...byPriority] = bugs.truncated
      ? await Promise.all([bugs.total ?? counted(BUG, OPEN), ...JIRA_PRIORITIES.map(p => counted(BUG, OPEN, `priority = ${jqlString(p[0].toUpperCase() + p.slice(1))}`))])
      : [bugFacts.openBugs, ...bugFacts.byPriority];
    facts = { openIssues, openBugs, byPriority, oldestBugCreated: bugFacts.oldestBugCreated, security: securityCount };
  }
  const now = options.now ?? Date.now();
  const out: JiraFacts = {
    [JIRA_FACTS.openIssues]: facts.openIssues,
    [JIRA_FACTS.openBugs]: facts.openBugs,
    [JIRA_FACTS.openBugsByPriority]: Object.fromEntries(JIRA_PRIORITIES.map((p, i) => [p, facts.byPriority[i]])),
    // No open bug: 0 days (nothing is old).
    [JIRA_FACTS.oldestOpenBugAgeDays]: facts.oldestBugCreated ? Math.max(0, Math.floor((now - Date.parse(facts.oldestBugCreated)) / DAY_MS)) : 0,
    [JIRA_FACTS.createdLast30d]: created,
    [JIRA_FACTS.resolvedLast30d]: resolved,
  };
  if (facts.security !== undefined) out[JIRA_FACTS.openSecurityIssues] = facts.security;
  return out;
}

/** Runs `work` over `items` with at most `concurrency` at a time. */
async function eachLimited<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  });
  await Promise.all(workers);
}

/**
 * A scorecards fact collector over entities annotated `jira/project-key`. Jira's rate limit is respected: a few
 * entities at a time (each site also caps its concurrent requests), 429s waited out by the client, and a site that
 * is down or still rate-limiting after its retries is not asked again in that run (its entities' facts go stale).
 */
export function createJiraFactCollector(options: {
  clients: JiraClients;
  logger: LoggerService;
  securityIssues?: JiraSecurityIssues;
  /** ISO-8601 duration between runs (default PT1H). */
  schedule?: string;
  /** ISO-8601 duration after which the facts are stale (default PT3H). */
  freshness?: string;
  /** Entities collected at the same time (default 8). */
  concurrency?: number;
}): FactCollector {
  const { logger, clients } = options;
  return {
    id: 'jira',
    facts: jiraFacts,
    schedule: options.schedule ?? 'PT1H',
    freshness: options.freshness ?? 'PT3H',
    collectOnChange: true,
    async collect(entities: Entity[], { signal }): Promise<CollectedFacts[]> {
      const out: CollectedFacts[] = [];
      const unavailable = new Map<string, string>();
      const mappings: JiraMapping[] = [];
      for (const entity of entities) {
        const entityRef = stringifyEntityRef(entity);
        try {
          const mapping = mappingOf(entity, entityRef);
          if (mapping) mappings.push(mapping);
        } catch (error) {
          logger.warn(`Jira facts for ${entityRef} skipped: ${(error as Error).message}`);
        }
      }
      await eachLimited(mappings, options.concurrency ?? 8, async mapping => {
        const host = mapping.host ?? clients.defaultHost ?? '';
        if (signal?.aborted || unavailable.has(host.toLowerCase())) return;
        try {
          const facts = await collectMappingFacts({ clients, mapping, securityIssues: options.securityIssues, signal });
          out.push({ entityRef: mapping.entityRef, facts });
        } catch (error) {
          if (error instanceof JiraUnavailableError) unavailable.set(host.toLowerCase(), error.message);
          else logger.warn(`Jira facts for ${mapping.entityRef} not collected (they stay as they were): ${(error as Error).message}`);
        }
      });
      for (const [host, reason] of unavailable) logger.warn(`Jira facts of site '${host}' not collected this run; they stay as they were until fresh ones arrive: ${reason}`);
      return out;
    },
  };
}
