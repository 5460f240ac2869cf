import { randomUUID } from 'node:crypto';
import type { CacheService } from '@portico/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@portico/catalog-model';
import { NotFoundError, NotAllowedError } from '@portico/errors';
import type { CatalogApi } from '@portico/plugin-catalog-common';
import {
  JIRA_STATUS_CATEGORIES,
  type JiraDailyCount,
  type JiraEntityError,
  type JiraEntitySummary,
  type JiraIssue,
  type JiraProject,
  type JiraStatusCategory,
  type JiraUser,
} from '@portico/plugin-jira-common';
import type { JiraApiIssue, JiraApiProject, JiraApiUser } from '../integration/jiraApiTypes';
import { ISSUE_FIELDS, type JiraClient } from '../integration/JiraClient';
import type { JiraClients } from '../integration/JiraClients';
import { JiraQueryError, JiraUnavailableError } from '../integration/jiraErrors';
import { JiraAnnotationError, jqlString, mappingJql, mappingKey, mappingOf, type JiraMapping } from '../jql';

/** How long each kind of answer is kept, in milliseconds. */
export interface JiraCacheTtls {
  /** Issues, counts and created/resolved of a mapping, and an entity's answer. */
  issues: number;
  /** Projects (name, lead, avatar) and a Group's list of components. */
  projects: number;
}

export const defaultCacheTtls: JiraCacheTtls = { issues: 300_000, projects: 3_600_000 };

const DAY_MS = 86_400_000;

/** What one mapping (one JQL) reads from Jira, cached for the issues TTL. */
interface MappingData {
  project: JiraProject | null;
  open: JiraIssue[];
  openTotal: number;
  truncated: boolean;
  createdDates: string[];
  resolvedDates: string[];
  jql: string;
}

type MappingOutcome = { data: MappingData } | { error: JiraEntityError };

/** The filters of `GET /entity`. */
export interface JiraIssueFilters {
  types?: string[];
  statusCategories?: JiraStatusCategory[];
}

/** Splits the route's comma-separated filter values; unknown status categories are a 400 at the route. */
export function parseFilters(query: { type?: string; statusCategory?: string }): JiraIssueFilters {
  const list = (v?: string) =>
    v
      ?.split(',')
      .map(s => s.trim())
      .filter(Boolean);
  const types = list(query.type);
  const categories = list(query.statusCategory)?.map(c => c.toLowerCase());
  for (const c of categories ?? []) {
    if (!(JIRA_STATUS_CATEGORIES as readonly string[]).includes(c)) throw new JiraAnnotationError(`statusCategory '${c}' is not one of ${JIRA_STATUS_CATEGORIES.join(', ')}`);
  }
  return { ...(types?.length ? { types } : {}), ...(categories?.length ? { statusCategories: categories as JiraStatusCategory[] } : {}) };
}

const avatar = (urls?: Record<string, string>) => urls?.['48x48'] ?? urls?.['32x32'] ?? Object.values(urls ?? {})[0] ?? null;

export const toUser = (u: JiraApiUser | null | undefined): JiraUser | null =>
  u ? { displayName: u.displayName ?? u.name ?? u.accountId ?? 'unknown', accountId: u.accountId ?? u.name ?? null, avatarUrl: avatar(u.avatarUrls) } : null;

function statusCategoryOf(key: string | undefined): JiraStatusCategory {
  return key === 'new' || key === 'done' ? key : 'indeterminate';
}

/** A Jira issue as the Issues tab shows it. */
export function toIssue(issue: JiraApiIssue, client: JiraClient, now: number): JiraIssue {
  const f = issue.fields ?? {};
  const created = f.created ? Date.parse(f.created) : now;
  return {
    key: issue.key,
    summary: f.summary ?? '',
    type: f.issuetype?.name ?? 'Unknown',
    priority: f.priority?.name ?? null,
    statusCategory: statusCategoryOf(f.status?.statusCategory?.key),
    status: f.status?.name ?? '',
    assignee: toUser(f.assignee),
    createdAt: new Date(Number.isNaN(created) ? now : created).toISOString(),
    ageDays: Math.max(0, Math.floor((now - (Number.isNaN(created) ? now : created)) / DAY_MS)),
    url: client.issueUrl(issue.key),
  };
}

/** The kind of problem an error is, for the answer's `errors` and the catalog. */
export function errorKind(error: unknown): JiraEntityError['kind'] | undefined {
  if (error instanceof JiraAnnotationError) return 'invalid-annotation';
  if (error instanceof JiraQueryError) return /does not exist for the field 'project'/i.test(error.message) ? 'project-not-found' : 'invalid-jql';
  if (error instanceof NotFoundError) return 'project-not-found';
  if (error instanceof JiraUnavailableError || error instanceof NotAllowedError) return 'unavailable';
  return undefined;
}

const countBy = (issues: JiraIssue[], key: (i: JiraIssue) => string) => {
  const out: Record<string, number> = {};
  for (const i of issues) out[key(i)] = (out[key(i)] ?? 0) + 1;
  return out;
};

/** Open issues counted by type and priority (priority `None` for issues without one), and in all. */
interface OpenCounts {
  byType: Record<string, number>;
  byPriority: Record<string, number>;
  total: number;
}

const addCounts = (into: Record<string, number>, from: Record<string, number>) => {
  for (const [k, n] of Object.entries(from)) if (n > 0) into[k] = (into[k] ?? 0) + n;
};

/** Rounds of "which values are beyond those seen" before giving up on finding every issue type or priority. */
const MAX_VALUE_ROUNDS = 10;

/**
 * What the Issues tab, the overview card and the group view show for an entity: each mapping's Jira data and the
 * entity's answer cached with a TTL in the cache service, loaded once however many callers ask at the same time.
 * A webhook forgets a project's data by changing its generation (every key of the project includes it).
 */
export class JiraEntityService {
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(
    private readonly options: {
      clients: JiraClients;
      cache: CacheService;
      /** Reads a Group's components; without it a Group aggregates nothing but its own mapping. */
      catalog?: CatalogApi;
      catalogToken?: () => Promise<string | undefined>;
      ttls?: JiraCacheTtls;
      /** Open issues read per mapping (default 1000); beyond them the counts by type and priority are asked of Jira. */
      maxIssues?: number;
      now?: () => number;
    },
  ) {}

  private get ttls(): JiraCacheTtls {
    return this.options.ttls ?? defaultCacheTtls;
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private async cached<T>(key: string, ttl: number, load: () => Promise<T>, keep: (value: T) => boolean = () => true): Promise<T> {
    const hit = await this.options.cache.get<T>(key);
    if (hit !== undefined) return hit;
    const pending = this.inFlight.get(key) as Promise<T> | undefined;
    if (pending) return pending;
    const loading = (async () => {
      try {
        const value = await load();
        if (keep(value)) await this.options.cache.set(key, value, { ttl });
        return value;
      } finally {
        this.inFlight.delete(key);
      }
    })();
    this.inFlight.set(key, loading);
    return loading;
  }

  /** The generation of a project's cached data; a new one forgets everything cached under the old. */
  private async generation(host: string, projectKey: string): Promise<string> {
    const key = `gen:${host.toLowerCase()}:${projectKey}`;
    const gen = await this.options.cache.get<string>(key);
    if (gen) return gen;
    const fresh = randomUUID().slice(0, 8);
    await this.options.cache.set(key, fresh, { ttl: this.ttls.projects * 24 });
    return fresh;
  }

  /** Forgets the cached issues of a project (a webhook said one of its issues changed). */
  async forgetProject(host: string, projectKey: string): Promise<void> {
    await this.options.cache.set(`gen:${host.toLowerCase()}:${projectKey.toUpperCase()}`, randomUUID().slice(0, 8), { ttl: this.ttls.projects * 24 });
  }

  /** The project (cached for the projects TTL); a NotFoundError for one that does not exist or the token cannot see. */
  async project(client: JiraClient, key: string): Promise<JiraProject> {
    return this.cached(`project:${client.host.toLowerCase()}:${key}`, this.ttls.projects, async () => {
      const p: JiraApiProject = await client.getProject(key);
      return { key: p.key, name: p.name, lead: toUser(p.lead), avatarUrl: avatar(p.avatarUrls), url: client.projectUrl(p.key), host: client.host };
    });
  }

  /** One mapping's data, or the error that kept it from being read (a rejected JQL or unknown project is kept for the TTL). */
  async mappingData(mapping: JiraMapping): Promise<MappingOutcome> {
    let client: JiraClient;
    try {
      client = this.options.clients.forHost(mapping.host);
    } catch (error) {
      return { error: { entityRef: mapping.entityRef, kind: 'invalid-annotation', message: (error as Error).message } };
    }
    const gen = await this.generation(client.host, mapping.projectKey);
    const key = `mapping:${gen}:${mappingKey(mapping, client.host)}`;
    try {
      return await this.cached<MappingOutcome>(key, this.ttls.issues, () => this.loadMapping(client, mapping), outcome => 'data' in outcome || outcome.error.kind !== 'unavailable');
    } catch (error) {
      const kind = errorKind(error);
      if (!kind) throw error;
      return { error: { entityRef: mapping.entityRef, kind, message: (error as Error).message } };
    }
  }

  private async loadMapping(client: JiraClient, mapping: JiraMapping): Promise<MappingOutcome> {
    const now = this.now();
    const base = mappingJql(mapping);
    try {
      const project = await this.project(client, mapping.projectKey);
      const what = `the issues of ${mapping.entityRef}`;
      const open = await client.search({ jql: `${mappingJql(mapping, 'statusCategory != Done')} ORDER BY created DESC`, fields: ISSUE_FIELDS, maxItems: this.options.maxIssues ?? 1000, what });
      const openTotal = open.truncated ? (open.total ?? (await client.count({ jql: mappingJql(mapping, 'statusCategory != Done'), what }))) : open.issues.length;
      const [created, resolved] = await Promise.all([
        client.search({ jql: mappingJql(mapping, 'created >= -30d'), fields: ['created'], maxItems: 5000, what: `the issues created in 30 days of ${mapping.entityRef}` }),
        client.search({ jql: mappingJql(mapping, 'resolved >= -30d'), fields: ['resolutiondate'], maxItems: 5000, what: `the issues resolved in 30 days of ${mapping.entityRef}` }),
      ]);
      return {
        data: {
          project,
          open: open.issues.map(i => toIssue(i, client, now)),
          openTotal,
          truncated: open.truncated,
          createdDates: created.issues.map(i => i.fields?.created).filter((d): d is string => Boolean(d)),
          resolvedDates: resolved.issues.map(i => i.fields?.resolutiondate).filter((d): d is string => Boolean(d)),
          jql: base,
        },
      };
    } catch (error) {
      const kind = errorKind(error);
      if (!kind || kind === 'unavailable') throw error;
      return { error: { entityRef: mapping.entityRef, kind, message: (error as Error).message } };
    }
  }

  /** Done issues of a mapping (only when the caller filters on `done`), newest resolved first. */
  private async doneIssues(mapping: JiraMapping): Promise<JiraIssue[]> {
    const client = this.options.clients.forHost(mapping.host);
    const gen = await this.generation(client.host, mapping.projectKey);
    return this.cached(`done:${gen}:${mappingKey(mapping, client.host)}`, this.ttls.issues, async () => {
      const now = this.now();
      const done = await client.search({ jql: `${mappingJql(mapping, 'statusCategory = Done')} ORDER BY resolved DESC`, fields: ISSUE_FIELDS, maxItems: 100, what: `the done issues of ${mapping.entityRef}` });
      return done.issues.map(i => toIssue(i, client, now));
    });
  }

  /** A Group's components with their mappings (or the annotation error), cached for the projects TTL. */
  private async componentsOf(groupRef: string): Promise<Array<{ entityRef: string; mapping?: JiraMapping; error?: JiraEntityError }>> {
    const { catalog } = this.options;
    if (!catalog) return [];
    return this.cached(`group:${groupRef}`, this.ttls.projects, async () => {
      const token = await this.options.catalogToken?.();
      const { items } = await catalog.getEntities({ filter: { kind: 'component', 'relations.ownedBy': groupRef } }, token ? { token } : undefined);
      return items
        .map(entity => {
          const entityRef = stringifyEntityRef(entity);
          try {
            const mapping = mappingOf(entity, entityRef);
            return mapping ? { entityRef, mapping } : undefined;
          } catch (error) {
            return { entityRef, error: { entityRef, kind: 'invalid-annotation' as const, message: (error as Error).message } };
          }
        })
        .filter((c): c is NonNullable<typeof c> => Boolean(c))
        .sort((a, b) => a.entityRef.localeCompare(b.entityRef));
    });
  }

  /** Forgets a Group's cached list of components. */
  async forgetGroup(groupRef: string): Promise<void> {
    await this.options.cache.delete(`group:${groupRef}`);
  }

  /**
   * The answer of `GET /entity` for an entity (already read as the caller). A component's own mapping, or a
   * Group's and its components'. A NotFoundError when there is nothing to show; a JiraUnavailableError when Jira
   * could not be read for any mapping; otherwise what could be read, with `errors` for the rest.
   */
  async getSummary(options: { entity: Entity; entityRef: string; filters?: JiraIssueFilters }): Promise<JiraEntitySummary> {
    const { entity, entityRef } = options;
    const filters = options.filters ?? {};
    const isGroup = entity.kind.toLowerCase() === 'group';
    const mappings: JiraMapping[] = [];
    const errors: JiraEntityError[] = [];
    try {
      const own = mappingOf(entity, entityRef);
      if (own) mappings.push(own);
    } catch (error) {
      errors.push({ entityRef, kind: 'invalid-annotation', message: (error as Error).message });
    }
    const components = isGroup ? await this.componentsOf(entityRef) : [];
    for (const c of components) {
      if (c.mapping) mappings.push(c.mapping);
      if (c.error) errors.push(c.error);
    }
    if (!isGroup && mappings.length === 0 && errors.length === 0) throw new NotFoundError(`${entityRef} has no jira/project-key annotation`);

    const gens = await Promise.all(mappings.map(async m => (await this.generation(this.hostOf(m), m.projectKey).catch(() => 'x')) + m.entityRef));
    const summaryKey = `summary:${entityRef}:${JSON.stringify(filters)}:${gens.join(',')}`;
    const hit = await this.options.cache.get<JiraEntitySummary>(summaryKey);
    if (hit) return hit;

    const outcomes = await Promise.all(mappings.map(m => this.mappingData(m)));
    const read: Array<{ mapping: JiraMapping; data: MappingData }> = [];
    let unavailable: JiraEntityError | undefined;
    outcomes.forEach((outcome, i) => {
      if ('data' in outcome) read.push({ mapping: mappings[i], data: outcome.data });
      else {
        errors.push(outcome.error);
        if (outcome.error.kind === 'unavailable') unavailable ??= outcome.error;
      }
    });
    // Jira down for the only mapping: the page says so (503), it is not "no issues".
    if (unavailable && read.length === 0 && mappings.length > 0 && errors.every(e => e.kind === 'unavailable')) throw new JiraUnavailableError(unavailable.message);

    const byKey = new Map<string, JiraIssue>();
    for (const { data } of read) for (const issue of data.open) byKey.set(issue.key, issue);
    const open = [...byKey.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    let listed = open;
    if (filters.statusCategories?.includes('done')) {
      const done = (await Promise.all(read.map(r => this.doneIssues(r.mapping)))).flat();
      const seen = new Set(open.map(i => i.key));
      listed = [...open, ...done.filter(i => !seen.has(i.key))];
    }
    if (filters.statusCategories) listed = listed.filter(i => filters.statusCategories!.includes(i.statusCategory));
    if (filters.types) {
      const types = new Set(filters.types.map(t => t.toLowerCase()));
      listed = listed.filter(i => types.has(i.type.toLowerCase()));
    }

    const projects = new Map<string, JiraProject>();
    for (const { data } of read) if (data.project) projects.set(`${data.project.host}:${data.project.key}`, data.project);
    const ownProject = read.find(r => r.mapping.entityRef === entityRef)?.data.project ?? [...projects.values()][0] ?? null;
    const truncated = read.some(r => r.data.truncated);
    // Beyond `maxIssues` the list holds only the newest issues: the counts are asked of Jira instead.
    let counts: OpenCounts = { byType: countBy(open, i => i.type), byPriority: countBy(open, i => i.priority ?? 'None'), total: read.length === 1 ? read[0].data.openTotal : open.length };
    let countsPartial = false;
    if (truncated) {
      try {
        counts = await this.exactOpenCounts(read);
      } catch (error) {
        if (!errorKind(error)) throw error;
        countsPartial = true;
        errors.push({ entityRef, kind: 'unavailable', message: `Counts by type and priority cover only the ${open.length} newest open issues: ${(error as Error).message}` });
      }
    }
    const summary: JiraEntitySummary = {
      entityRef,
      project: ownProject,
      projects: [...projects.values()],
      components: components.map(c => c.entityRef),
      jql: read.length === 1 ? read[0].data.jql : read.map(r => `(${r.data.jql})`).join(' OR '),
      issues: listed,
      total: filters.types || filters.statusCategories ? listed.length : counts.total,
      truncated,
      countsByType: counts.byType,
      countsByPriority: counts.byPriority,
      createdVsResolved30d: this.daily(read.map(r => r.data)),
      errors,
      fetchedAt: new Date(this.now()).toISOString(),
    };
    // An answer missing a site that is down (or its counts) is not kept: the next call tries again.
    if (!unavailable && !countsPartial) await this.options.cache.set(summaryKey, summary, { ttl: this.ttls.issues });
    return summary;
  }

  /**
   * Exact open-issue counts by type and priority (and in all) of mappings whose list was cut at `maxIssues`: per
   * site, over the union of its mappings' JQL (so a Group's overlapping mappings count an issue once), with the
   * count endpoint. The sites' mappings that were not cut are tallied from their lists. Cached for the issues TTL
   * under the projects' generations, so a webhook forgets them with the issues.
   */
  private async exactOpenCounts(read: Array<{ mapping: JiraMapping; data: MappingData }>): Promise<OpenCounts> {
    const byHost = new Map<string, Array<{ mapping: JiraMapping; data: MappingData }>>();
    for (const r of read) {
      const host = this.hostOf(r.mapping).toLowerCase();
      byHost.set(host, [...(byHost.get(host) ?? []), r]);
    }
    const total: OpenCounts = { byType: {}, byPriority: {}, total: 0 };
    for (const [host, list] of byHost) {
      const seen = new Map<string, JiraIssue>();
      for (const { data } of list) for (const issue of data.open) seen.set(issue.key, issue);
      const sample = [...seen.values()];
      let counts: OpenCounts;
      if (!list.some(r => r.data.truncated)) {
        counts = { byType: countBy(sample, i => i.type), byPriority: countBy(sample, i => i.priority ?? 'None'), total: sample.length };
      } else {
        const client = this.options.clients.forHost(list[0].mapping.host);
        const jqls = [...new Set(list.map(r => r.data.jql))].sort();
        const openJql = jqls.length === 1 ? `${jqls[0]} AND statusCategory != Done` : `(${jqls.map(j => `(${j})`).join(' OR ')}) AND statusCategory != Done`;
        const gens = await Promise.all([...new Set(list.map(r => r.mapping.projectKey))].sort().map(key => this.generation(client.host, key)));
        // One mapping's open total was already counted with its list (the same JQL): only a union needs counting.
        const knownTotal = list.length === 1 ? list[0].data.openTotal : undefined;
        counts = await this.cached(`counts:${gens.join(',')}:${host}:${openJql}`, this.ttls.issues, () => this.countOpen(client, openJql, sample, list.map(r => r.mapping.entityRef).join(', '), knownTotal));
      }
      addCounts(total.byType, counts.byType);
      addCounts(total.byPriority, counts.byPriority);
      total.total += counts.total;
    }
    return total;
  }

  /**
   * Counts the issues of `openJql` by type and priority, first finding the values beyond those of `sample`; in all
   * too unless `knownTotal` already says.
   */
  private async countOpen(client: JiraClient, openJql: string, sample: JiraIssue[], of: string, knownTotal?: number): Promise<OpenCounts> {
    const what = `the open issue counts of ${of}`;
    const valuesOf = async (field: 'issuetype' | 'priority', known: Set<string>) => {
      for (let round = 0; round < MAX_VALUE_ROUNDS; round++) {
        const beyond = known.size ? `${field} not in (${[...known].map(jqlString).join(', ')})` : `${field} is not EMPTY`;
        const page = await client.search({ jql: `${openJql} AND ${beyond}`, fields: [field], maxItems: 100, what });
        const found = page.issues.map(i => i.fields?.[field]?.name).filter((n): n is string => Boolean(n) && !known.has(n!));
        if (!found.length) return known;
        for (const name of found) known.add(name);
      }
      throw new JiraUnavailableError(`Jira site ${client.host}: more than ${MAX_VALUE_ROUNDS} rounds of new values of ${field} in ${what}`);
    };
    const [types, priorities] = await Promise.all([
      valuesOf('issuetype', new Set(sample.map(i => i.type).filter(t => t !== 'Unknown'))),
      valuesOf('priority', new Set(sample.map(i => i.priority).filter((p): p is string => Boolean(p)))),
    ]);
    const count = (clause: string) => client.count({ jql: `${openJql} AND ${clause}`, what });
    const [total, none, typeCounts, priorityCounts] = await Promise.all([
      knownTotal ?? client.count({ jql: openJql, what }),
      count('priority is EMPTY'),
      Promise.all([...types].map(async t => [t, await count(`issuetype = ${jqlString(t)}`)] as const)),
      Promise.all([...priorities].map(async p => [p, await count(`priority = ${jqlString(p)}`)] as const)),
    ]);
    const byType: Record<string, number> = {};
    for (const [t, n] of typeCounts) if (n > 0) byType[t] = n;
    const byPriority: Record<string, number> = {};
    for (const [p, n] of priorityCounts) if (n > 0) byPriority[p] = n;
    if (none > 0) byPriority.None = none;
    return { byType, byPriority, total };
  }

  private hostOf(mapping: JiraMapping): string {
    return mapping.host ?? this.options.clients.defaultHost ?? '';
  }

  /** Issues created and resolved per UTC day over the last 30 days (today included), oldest first. */
  private daily(data: MappingData[]): JiraDailyCount[] {
    const today = Math.floor(this.now() / DAY_MS);
    const rows = Array.from({ length: 30 }, (_, i) => ({ date: new Date((today - 29 + i) * DAY_MS).toISOString().slice(0, 10), created: 0, resolved: 0 }));
    const index = (iso: string) => Math.floor(Date.parse(iso) / DAY_MS) - (today - 29);
    const seen = new Set<string>();
    for (const d of data) {
      // Mappings of one Group may overlap: a day's issue is counted once per JQL result, good enough for a chart.
      const key = d.jql;
      if (seen.has(key)) continue;
      seen.add(key);
      for (const c of d.createdDates) {
        const i = index(c);
        if (i >= 0 && i < 30) rows[i].created++;
      }
      for (const r of d.resolvedDates) {
        const i = index(r);
        if (i >= 0 && i < 30) rows[i].resolved++;
      }
    }
    return rows;
  }
}
