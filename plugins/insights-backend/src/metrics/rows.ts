import type { DatabaseService } from '@portico/backend-plugin-api';
import type { DeploymentRow, IncidentRow, PullRequestRow } from './definitions';

export type Knex = Awaited<ReturnType<DatabaseService['getClient']>>;
export type QueryBuilder = ReturnType<Knex['queryBuilder']>;

/** bigint columns come back as strings on PostgreSQL and numbers on SQLite. */
export const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
export const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));
export const bool = (v: unknown): boolean => v === true || v === 1 || v === '1' || v === 't';

/** SQLite allows a limited number of bound variables; larger `in` lists are read in chunks. */
export const IN_CHUNK = 400;

export function chunks<T>(items: T[], size = IN_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function toDeployment(r: Record<string, unknown>): DeploymentRow {
  return {
    source: String(r.source),
    id: String(r.id),
    entityRef: String(r.entity_ref),
    environment: String(r.environment),
    status: String(r.status),
    startedAt: numOrNull(r.started_at),
    finishedAt: num(r.finished_at),
    hotfix: bool(r.hotfix),
    version: (r.version as string | null) ?? null,
    commitSha: (r.commit_sha as string | null) ?? null,
  };
}

export function toIncident(r: Record<string, unknown>): IncidentRow {
  return {
    source: String(r.source),
    id: String(r.id),
    entityRef: String(r.entity_ref),
    openedAt: num(r.opened_at),
    resolvedAt: numOrNull(r.resolved_at),
    severity: (r.severity as string | null) ?? null,
  };
}

export function toPullRequest(r: Record<string, unknown>): PullRequestRow {
  return {
    source: String(r.source),
    id: String(r.id),
    entityRef: String(r.entity_ref),
    number: num(r.number),
    createdAt: num(r.created_at),
    firstReviewAt: numOrNull(r.first_review_at),
    mergedAt: numOrNull(r.merged_at),
    additions: numOrNull(r.additions),
    deletions: numOrNull(r.deletions),
    deployedIn: (r.deployed_in as string | null) ?? null,
    firstCommitAt: numOrNull(r.first_commit_at),
    title: (r.title as string | null) ?? null,
    url: (r.url as string | null) ?? null,
    author: (r.author as string | null) ?? null,
  };
}

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

/** The event as stored, in the push API's shape (times ISO). */
export function deploymentEvent(d: DeploymentRow): Record<string, unknown> {
  return { id: d.id, entityRef: d.entityRef, environment: d.environment, version: d.version ?? null, commitSha: d.commitSha ?? null, status: d.status, startedAt: iso(d.startedAt), finishedAt: iso(d.finishedAt), hotfix: Boolean(d.hotfix), source: d.source };
}
export function incidentEvent(i: IncidentRow): Record<string, unknown> {
  return { id: i.id, entityRef: i.entityRef, openedAt: iso(i.openedAt), resolvedAt: iso(i.resolvedAt), severity: i.severity ?? null, source: i.source };
}
export function pullRequestEvent(p: PullRequestRow): Record<string, unknown> {
  return {
    id: p.id,
    entityRef: p.entityRef,
    number: p.number,
    title: p.title ?? null,
    url: p.url ?? null,
    author: p.author ?? null,
    createdAt: iso(p.createdAt),
    firstReviewAt: iso(p.firstReviewAt),
    mergedAt: iso(p.mergedAt),
    additions: p.additions ?? null,
    deletions: p.deletions ?? null,
    deployedIn: p.deployedIn ?? null,
    firstCommitAt: iso(p.firstCommitAt),
    source: p.source,
  };
}
