import type { z } from 'zod';
import { parseEntityRef, stringifyEntityRef } from '@portico/catalog-model';
import { InputError } from '@portico/errors';
import {
  EARLIEST_EVENT_TIME,
  FUTURE_SKEW_MS,
  deploymentEventSchema,
  incidentEventSchema,
  pullRequestEventSchema,
  type DeploymentEvent,
  type IncidentEvent,
  type PullRequestEvent,
} from '@portico/plugin-insights-common';
import type { DeploymentRow, EventRow, EventType, IncidentRow, PullRequestRow } from '../database/EventStore';

/** The three kinds of items, by the key their push body holds them under. */
export type EventKind = 'deployments' | 'incidents' | 'pullRequests';

export const EVENT_TYPE: Record<EventKind, EventType> = { deployments: 'deployment', incidents: 'incident', pullRequests: 'pullRequest' };

/** What one checked item becomes, by kind. */
type RowOf<K extends EventKind> = K extends 'deployments' ? DeploymentRow : K extends 'incidents' ? IncidentRow : PullRequestRow;

/**
 * Tells which of the given canonical refs are not in the catalog (one lookup for a whole batch). The plugin reads the
 * catalog with its own service token: the pusher's token may be restricted to this plugin.
 */
export type MissingEntities = (entityRefs: string[]) => Promise<string[]>;

export interface ValidatedBatch<K extends EventKind> {
  /** Unique by (source, id), in the order sent. */
  rows: Array<RowOf<K>>;
  /** Items repeated verbatim within the batch: counted as duplicates, stored once. */
  repeated: number;
}

const EARLIEST_MS = Date.parse(EARLIEST_EVENT_TIME);

const SCHEMAS: Record<EventKind, z.ZodType> = {
  deployments: deploymentEventSchema,
  incidents: incidentEventSchema,
  pullRequests: pullRequestEventSchema,
};

const NOUN: Record<EventKind, string> = { deployments: 'a deployment', incidents: 'an incident', pullRequests: 'a pull request' };

/** The time fields of each kind, checked against the accepted range. */
const TIME_FIELDS: Record<EventKind, string[]> = {
  deployments: ['startedAt', 'finishedAt'],
  incidents: ['openedAt', 'resolvedAt'],
  pullRequests: ['createdAt', 'firstReviewAt', 'mergedAt', 'firstCommitAt'],
};

/** Pairs that must be in order: [later field, earlier field]. */
const ORDER: Record<EventKind, Array<[string, string]>> = {
  deployments: [['finishedAt', 'startedAt']],
  incidents: [['resolvedAt', 'openedAt']],
  pullRequests: [
    ['mergedAt', 'createdAt'],
    ['firstReviewAt', 'createdAt'],
  ],
};

/** One problem of one item: `deployments[3].finishedAt: is before startedAt (…)`. */
interface Problem {
  index: number;
  field?: string;
  message: string;
}

const where = (kind: EventKind, p: { index: number; field?: string }) => `${kind}[${p.index}]${p.field ? `.${p.field}` : ''}`;

function refuse(kind: EventKind, problems: Problem[]): never {
  const [first] = problems;
  throw new InputError(`${where(kind, first)}: ${first.message}`, {
    issues: problems.slice(0, 50).map(p => ({ path: where(kind, p), message: p.message })),
  });
}

/** The problems of one item's shape (zod), in words a CI author can act on. */
function shapeProblems(kind: EventKind, index: number, error: z.ZodError): Problem[] {
  const problems: Problem[] = [];
  for (const issue of error.issues) {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) problems.push({ index, field: [path, key].filter(Boolean).join('.'), message: `is not a field of ${NOUN[kind]}` });
    } else if (issue.code === 'invalid_format' && issue.format === 'datetime') {
      problems.push({ index, field: path, message: 'is not an ISO 8601 time with a zone, e.g. 2026-12-01T10:00:00Z' });
    } else {
      problems.push({ index, field: path || undefined, message: issue.message });
    }
  }
  return problems;
}

/**
 * PostgreSQL stores no NUL character in text: a string holding one would fail the write with a database error (500).
 * Checked on SQLite too, so both engines accept the same items.
 */
function textProblems(index: number, item: Record<string, unknown>): Problem[] {
  const problems: Problem[] = [];
  const hasNul = (value: unknown): boolean => (typeof value === 'string' ? value.includes('\u0000') : Array.isArray(value) && value.some(hasNul));
  for (const field in item) {
    if (hasNul(item[field])) problems.push({ index, field, message: 'contains a NUL character (\\u0000), which cannot be stored' });
  }
  return problems;
}

/** The canonical ref of an item's entityRef (kind defaults to component, namespace to default), or a problem. */
function canonicalRef(ref: string): string | { message: string } {
  try {
    return stringifyEntityRef(parseEntityRef(ref, { defaultKind: 'component', defaultNamespace: 'default' }));
  } catch (error) {
    return { message: `${JSON.stringify(ref)} is not an entity ref (kind:namespace/name): ${(error as Error).message}` };
  }
}

/** An item's time fields in epoch ms (absent or null: undefined), parsed once for the checks and the row. */
type Times = Record<string, number | undefined>;

function timesOf(kind: EventKind, item: Record<string, unknown>): Times {
  const times: Times = {};
  for (const field of TIME_FIELDS[kind]) {
    const value = item[field];
    times[field] = typeof value === 'string' && value ? Date.parse(value) : undefined;
  }
  return times;
}

function checkTimes(kind: EventKind, index: number, item: Record<string, unknown>, times: Times, now: number): Problem[] {
  const problems: Problem[] = [];
  for (const field of TIME_FIELDS[kind]) {
    const t = times[field];
    if (t === undefined) continue;
    if (t < EARLIEST_MS) problems.push({ index, field, message: `${item[field]} is before ${EARLIEST_EVENT_TIME}, the earliest time accepted` });
    else if (t > now + FUTURE_SKEW_MS) {
      problems.push({ index, field, message: `${item[field]} is in the future (the portal's clock reads ${new Date(now).toISOString()}; ${FUTURE_SKEW_MS / 60_000} minutes of skew are allowed)` });
    }
  }
  for (const [later, earlier] of ORDER[kind]) {
    const a = times[later];
    const b = times[earlier];
    if (a !== undefined && b !== undefined && a < b) problems.push({ index, field: later, message: `is before ${earlier} (${item[later]} < ${item[earlier]})` });
  }
  return problems;
}

function toRow(kind: EventKind, item: DeploymentEvent | IncidentEvent | PullRequestEvent, entityRef: string, times: Times): EventRow {
  const msOf = (field: string): number | null => times[field] ?? null;
  if (kind === 'deployments') {
    const d = item as DeploymentEvent;
    return {
      source: d.source,
      id: d.id,
      entity_ref: entityRef,
      environment: d.environment,
      version: d.version ?? null,
      commit_sha: d.commitSha ?? null,
      status: d.status,
      started_at: msOf('startedAt'),
      finished_at: times.finishedAt!,
      hotfix: d.hotfix ?? false,
    };
  }
  if (kind === 'incidents') {
    const i = item as IncidentEvent;
    return { source: i.source, id: i.id, entity_ref: entityRef, opened_at: times.openedAt!, resolved_at: msOf('resolvedAt'), severity: i.severity ?? null };
  }
  const p = item as PullRequestEvent;
  return {
    source: p.source,
    id: p.id,
    entity_ref: entityRef,
    number: p.number,
    title: p.title ?? null,
    url: p.url ?? null,
    author: p.author ?? null,
    reviewers: p.reviewers ? JSON.stringify(p.reviewers) : null,
    created_at: times.createdAt!,
    first_review_at: msOf('firstReviewAt'),
    merged_at: msOf('mergedAt'),
    additions: p.additions ?? null,
    deletions: p.deletions ?? null,
    deployed_in: p.deployedIn ?? null,
    first_commit_at: msOf('firstCommitAt'),
  };
}

/**
 * Checks a batch the way the push API and the sink both do, and turns it into store rows. Refuses the whole batch
 * with an InputError naming the first bad item (`deployments[3].finishedAt: …`; every problem in `details.issues`):
 * a shape outside the contract or an unknown field, a NUL character in a string, a time before 2000 or in the future,
 * times out of order, an entity ref that does not parse or names no entity in the catalog, or one (source, id) sent
 * twice with different contents (sent twice identically, it is stored once and counted as a duplicate).
 */
export async function validateEvents<K extends EventKind>(
  kind: K,
  items: readonly unknown[],
  options: { missingEntities: MissingEntities; now?: number; /** Added to the indexes named in errors (a page of a longer list). */ offset?: number },
): Promise<ValidatedBatch<K>> {
  const now = options.now ?? Date.now();
  const problems: Problem[] = [];
  const parsed: Array<{ index: number; item: DeploymentEvent | IncidentEvent | PullRequestEvent; entityRef: string; times: Times }> = [];
  items.forEach((raw, position) => {
    const index = position + (options.offset ?? 0);
    const result = SCHEMAS[kind].safeParse(raw);
    if (!result.success) {
      problems.push(...shapeProblems(kind, index, result.error));
      return;
    }
    const item = result.data as DeploymentEvent | IncidentEvent | PullRequestEvent;
    const times = timesOf(kind, item as unknown as Record<string, unknown>);
    const itemProblems = [...textProblems(index, item as unknown as Record<string, unknown>), ...checkTimes(kind, index, item as unknown as Record<string, unknown>, times, now)];
    const ref = canonicalRef(item.entityRef);
    if (typeof ref !== 'string') itemProblems.unshift({ index, field: 'entityRef', ...ref });
    if (itemProblems.length > 0) problems.push(...itemProblems);
    else parsed.push({ index, item, entityRef: ref as string, times });
  });
  if (problems.length > 0) refuse(kind, problems);

  const refs = [...new Set(parsed.map(p => p.entityRef))];
  const missing = new Set(refs.length > 0 ? await options.missingEntities(refs) : []);
  if (missing.size > 0) {
    refuse(
      kind,
      parsed.filter(p => missing.has(p.entityRef)).map(p => ({ index: p.index, field: 'entityRef', message: `no entity ${p.entityRef} in the catalog` })),
    );
  }

  const rows: EventRow[] = [];
  const seen = new Map<string, { index: number; row: EventRow }>();
  let repeated = 0;
  for (const { index, item, entityRef, times } of parsed) {
    const row = toRow(kind, item, entityRef, times);
    const key = `${row.source}\u0000${row.id}`;
    const earlier = seen.get(key);
    if (earlier) {
      // Compared only when the key repeats (rows of one kind are built with the same key order).
      if (JSON.stringify(earlier.row) === JSON.stringify(row)) {
        repeated++;
        continue;
      }
      refuse(kind, [{ index, field: 'id', message: `repeats ${kind}[${earlier.index}] (source ${row.source}, id ${row.id}) with different contents: send one version of an item per batch` }]);
    }
    seen.set(key, { index, row });
    rows.push(row);
  }
  return { rows: rows as Array<RowOf<K>>, repeated };
}
