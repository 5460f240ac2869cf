import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { isAndCriteria, isNotCriteria, isOrCriteria, type PermissionCriteria } from '@portico/permission-common';
import type {
  HumanTaskRequest,
  HumanTaskResolution,
  JsonObject,
  SerializedTask,
  SerializedTaskEvent,
  SerializedTaskStep,
  StepStatus,
  TaskEventType,
  TaskSpec,
  TaskStatus,
} from '@portico/plugin-scaffolder-common';

export interface TaskRow {
  id: string;
  spec: TaskSpec;
  status: TaskStatus;
  templateRef?: string;
  createdBy?: string;
  createdAt: string;
  heartbeatAt?: string;
  claimedBy?: string;
  cancelRequested: boolean;
  dryRun: boolean;
  /** How often the run was found abandoned by a worker that crashed or hung. */
  lostClaims: number;
  secretsEncrypted?: string;
  output?: JsonObject;
  error?: string;
}

export interface StepRow {
  stepId: string;
  position: number;
  action: string;
  status: StepStatus;
  startedAt?: string;
  endedAt?: string;
  output?: JsonObject;
  error?: string;
}

export interface WaitRow {
  taskId: string;
  waitKey: string;
  stepId: string;
  kind: 'approval' | 'input';
  request: HumanTaskRequest;
  status: 'pending' | 'approved' | 'rejected' | 'submitted' | 'expired';
  expiresAt?: string;
  resolution?: HumanTaskResolution;
  createdAt: string;
}

const now = () => new Date().toISOString();

/** An event not yet written. */
export interface PendingEvent {
  type: TaskEventType;
  body: SerializedTaskEvent['body'];
  createdAt: string;
}
/**
 * Events just committed for one run, as they are announced to every instance: `previousId` is the id of the
 * run's event before them (0: none), so a reader that has written up to another id knows it missed some.
 */
export interface WrittenEvents {
  taskId: string;
  previousId: number;
  events: SerializedTaskEvent[];
}

/** A run's workspace packed after a completed step (see WorkspaceArchive). */
export interface WorkspaceSnapshot {
  archive: Buffer;
  /** The step after which it was taken. */
  stepId: string;
}

const parseJson = <T>(v: unknown): T | undefined => (typeof v === 'string' && v !== '' ? (JSON.parse(v) as T) : undefined);
const nullable = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);

type Row = Record<string, unknown>;

function toTask(r: Row): TaskRow {
  return {
    id: r.id as string,
    spec: parseJson<TaskSpec>(r.spec)!,
    status: r.status as TaskStatus,
    templateRef: nullable(r.template_ref as string | null),
    createdBy: nullable(r.created_by as string | null),
    createdAt: r.created_at as string,
    heartbeatAt: nullable(r.heartbeat_at as string | null),
    claimedBy: nullable(r.claimed_by as string | null),
    cancelRequested: Boolean(r.cancel_requested),
    dryRun: Boolean(r.dry_run),
    lostClaims: Number(r.lost_claims ?? 0),
    secretsEncrypted: nullable(r.secrets_encrypted as string | null),
    output: parseJson<JsonObject>(r.output),
    error: nullable(r.error as string | null),
  };
}

function toStep(r: Row): StepRow {
  return {
    stepId: r.step_id as string,
    position: Number(r.position),
    action: r.action as string,
    status: r.status as StepStatus,
    startedAt: nullable(r.started_at as string | null),
    endedAt: nullable(r.ended_at as string | null),
    output: parseJson<JsonObject>(r.output),
    error: nullable(r.error as string | null),
  };
}

function toWait(r: Row): WaitRow {
  return {
    taskId: r.task_id as string,
    waitKey: r.wait_key as string,
    stepId: r.step_id as string,
    kind: r.kind as WaitRow['kind'],
    request: parseJson<HumanTaskRequest>(r.request)!,
    status: r.status as WaitRow['status'],
    expiresAt: nullable(r.expires_at as string | null),
    resolution: parseJson<HumanTaskResolution>(r.resolution),
    createdAt: r.created_at as string,
  };
}

/** A task permission rule's query: the run was created by one of `createdBy` (lower-cased refs). */
export interface TaskPermissionQuery {
  createdBy: string[];
}

/** Permission criteria as a WHERE over scaffolder_tasks (an empty claim list matches nothing). */
function whereCriteria(builder: Knex.QueryBuilder, criteria: PermissionCriteria<TaskPermissionQuery>): void {
  if (isAndCriteria(criteria)) {
    for (const c of criteria.allOf) builder.where(b => whereCriteria(b, c));
  } else if (isOrCriteria(criteria)) {
    for (const c of criteria.anyOf) builder.orWhere(b => whereCriteria(b, c));
  } else if (isNotCriteria(criteria)) {
    builder.whereNot(b => whereCriteria(b, criteria.not));
  } else if (criteria.createdBy.length === 0) {
    builder.whereRaw('1 = 0');
  } else {
    builder.whereRaw(`LOWER(created_by) IN (${criteria.createdBy.map(() => '?').join(', ')})`, criteria.createdBy);
  }
}

export function serializeTask(task: TaskRow, steps?: StepRow[], waits?: WaitRow[]): SerializedTask {
  return {
    id: task.id,
    spec: task.spec,
    status: task.status,
    createdAt: task.createdAt,
    createdBy: task.createdBy,
    lastHeartbeatAt: task.heartbeatAt,
    templateRef: task.templateRef,
    output: task.output,
    error: task.error,
    dryRun: task.dryRun || undefined,
    steps: steps
      ? task.spec.steps.map((s): SerializedTaskStep => {
          const row = steps.find(r => r.stepId === s.id);
          const pending = waits?.find(w => w.stepId === s.id && w.status === 'pending');
          return {
            id: s.id,
            name: s.name,
            action: s.action,
            status: row?.status ?? 'open',
            startedAt: row?.startedAt,
            endedAt: row?.endedAt,
            output: row?.output,
            error: row?.error,
            ...(pending ? { waitingFor: pending.request } : {}),
          };
        })
      : undefined,
  };
}

/** All scaffolder SQL: tasks, steps, events, checkpoints and waits. No business rules. */
export class TaskStore {
  /** `onEventsWritten` is told of each batch of events once it is committed (the live streams follow it). */
  constructor(
    private readonly knex: Knex,
    private readonly engine: 'sqlite' | 'pg',
    private readonly onEventsWritten?: (written: WrittenEvents) => void,
  ) {}

  async createTask(options: {
    spec: TaskSpec;
    createdBy?: string;
    templateRef?: string;
    secretsEncrypted?: string;
    dryRun?: boolean;
    /** Dry runs are claimed by their creator at once. */
    claimedBy?: string;
  }): Promise<TaskRow> {
    const ts = now();
    const id = randomUUID();
    await this.knex('scaffolder_tasks').insert({
      id,
      spec: JSON.stringify(options.spec),
      status: options.claimedBy ? 'processing' : 'open',
      template_ref: options.templateRef ?? null,
      created_by: options.createdBy ?? null,
      created_at: ts,
      updated_at: ts,
      claimed_by: options.claimedBy ?? null,
      heartbeat_at: options.claimedBy ? ts : null,
      dry_run: options.dryRun ?? false,
      secrets_encrypted: options.secretsEncrypted ?? null,
    });
    return (await this.getTask(id))!;
  }

  async getTask(id: string): Promise<TaskRow | undefined> {
    const row = await this.knex('scaffolder_tasks').where({ id }).first();
    return row ? toTask(row) : undefined;
  }

  /** Runs, newest first; with `permission`, only those the caller may read (a conditional decision), in the query. */
  async listTasks(options: {
    createdBy?: string;
    status?: string[];
    limit: number;
    offset: number;
    permission?: PermissionCriteria<TaskPermissionQuery>;
  }): Promise<{ tasks: TaskRow[]; total: number }> {
    const base = this.knex('scaffolder_tasks').where({ dry_run: false });
    if (options.permission) {
      const permission = options.permission;
      base.where(b => whereCriteria(b, permission));
    }
    if (options.createdBy) base.where({ created_by: options.createdBy });
    if (options.status?.length) base.whereIn('status', options.status);
    const [{ count }] = await base.clone().count({ count: '*' });
    const rows = await base.clone().orderBy('created_at', 'desc').orderBy('id').limit(options.limit).offset(options.offset);
    return { tasks: rows.map(toTask), total: Number(count) };
  }

  /**
   * Claims up to `limit` of the oldest open tasks for `workerId`, in one statement. On PostgreSQL the
   * candidate rows are locked with `FOR UPDATE SKIP LOCKED`, so concurrent workers never pick the same
   * row; on SQLite writes are serialised and the `status = 'open'` condition decides.
   */
  /** Runs not finished (not dry runs), by status: `open` (queued), `processing`, `waiting` (for a person). */
  async countUnfinished(): Promise<Map<string, number>> {
    const rows = (await this.knex('scaffolder_tasks')
      .where({ dry_run: false })
      .whereIn('status', ['open', 'processing', 'waiting'])
      .groupBy('status')
      .select('status')
      .count({ count: '*' })) as Array<{ status: string; count: number | string }>;
    return new Map(rows.map(r => [r.status, Number(r.count)]));
  }

  async claimTasks(workerId: string, limit: number): Promise<TaskRow[]> {
    if (limit <= 0) return [];
    const ts = now();
    const lock = this.engine === 'pg' ? 'FOR UPDATE SKIP LOCKED' : '';
    const result = await this.knex.raw(
      `UPDATE scaffolder_tasks SET status = 'processing', claimed_by = ?, heartbeat_at = ?, updated_at = ?
       WHERE status = 'open' AND id IN (SELECT id FROM scaffolder_tasks WHERE status = 'open' AND NOT dry_run ORDER BY created_at LIMIT ? ${lock})
       RETURNING *`,
      [workerId, ts, ts, limit],
    );
    const rows = (this.engine === 'pg' ? (result as { rows: Row[] }).rows : (result as Row[])) ?? [];
    return rows.map(toTask).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** Claims the oldest open task, if any. */
  async claimTask(workerId: string): Promise<TaskRow | undefined> {
    return (await this.claimTasks(workerId, 1))[0];
  }

  /** Records that the worker is alive; returns whether a cancel was requested. */
  async heartbeat(taskId: string, workerId: string): Promise<{ owned: boolean; cancelRequested: boolean }> {
    const n = await this.knex('scaffolder_tasks')
      .where({ id: taskId, claimed_by: workerId, status: 'processing' })
      .update({ heartbeat_at: now() });
    const row = await this.knex('scaffolder_tasks').where({ id: taskId }).first('cancel_requested');
    return { owned: n === 1, cancelRequested: Boolean(row?.cancel_requested) };
  }

  /**
   * Heartbeat for all runs a worker holds, in one UPDATE. Returns the runs among `taskIds` the
   * worker no longer holds (another worker took them over) and those flagged for cancellation.
   */
  async heartbeatAll(workerId: string, taskIds: string[]): Promise<{ lost: string[]; cancelRequested: string[] }> {
    if (taskIds.length === 0) return { lost: [], cancelRequested: [] };
    await this.knex('scaffolder_tasks').where({ claimed_by: workerId, status: 'processing' }).update({ heartbeat_at: now() });
    const rows = await this.knex('scaffolder_tasks').whereIn('id', taskIds).select('id', 'claimed_by', 'status', 'cancel_requested');
    const held = new Map(rows.map(r => [r.id as string, r]));
    const lost: string[] = [];
    const cancelRequested: string[] = [];
    for (const id of taskIds) {
      const row = held.get(id);
      // Reopened as stale, or claimed by someone else. (A run that just ended was released by its own runner.)
      if (row && ((row.status === 'processing' && row.claimed_by !== workerId) || row.status === 'open')) lost.push(id);
      else if (row?.cancel_requested) cancelRequested.push(id);
    }
    return { lost, cancelRequested };
  }

  /** Ends a task the worker holds. */
  async finishTask(taskId: string, workerId: string, status: 'completed' | 'failed' | 'cancelled' | 'waiting', result: { output?: JsonObject; error?: string } = {}) {
    await this.knex('scaffolder_tasks')
      .where({ id: taskId, claimed_by: workerId })
      .update({
        status,
        claimed_by: null,
        updated_at: now(),
        cancel_requested: false,
        output: result.output ? JSON.stringify(result.output) : null,
        error: result.error ?? null,
      });
  }

  /** Open or waiting tasks are cancelled at once; a processing one is flagged for its worker. */
  async requestCancel(taskId: string): Promise<TaskStatus | undefined> {
    const ts = now();
    await this.knex('scaffolder_tasks').whereIn('status', ['open', 'waiting']).where({ id: taskId }).update({ status: 'cancelled', updated_at: ts, claimed_by: null });
    await this.knex('scaffolder_tasks').where({ id: taskId, status: 'processing' }).update({ cancel_requested: true, updated_at: ts });
    const task = await this.getTask(taskId);
    return task?.status;
  }

  /** Marks the steps a cancelled task left waiting or running as cancelled. */
  async cancelUnfinishedSteps(taskId: string): Promise<void> {
    await this.knex('scaffolder_task_steps')
      .where({ task_id: taskId })
      .whereIn('status', ['waiting', 'processing'])
      .update({ status: 'cancelled', ended_at: now() });
  }

  /** Removes a task and everything stored for it (dry runs are not kept). */
  async deleteTask(taskId: string): Promise<void> {
    await this.knex.transaction(async tx => {
      for (const table of ['scaffolder_task_events', 'scaffolder_checkpoints', 'scaffolder_waits', 'scaffolder_task_steps', 'scaffolder_workspaces']) {
        await tx(table).where({ task_id: taskId }).delete();
      }
      await tx('scaffolder_tasks').where({ id: taskId }).delete();
    });
  }

  /** Reopens a failed or cancelled task; completed steps stay completed. */
  async reopenForRetry(taskId: string, secretsEncrypted?: string): Promise<boolean> {
    return this.knex.transaction(async tx => {
      const n = await tx('scaffolder_tasks')
        .where({ id: taskId })
        .whereIn('status', ['failed', 'cancelled'])
        .update({
          status: 'open',
          error: null,
          output: null,
          cancel_requested: false,
          claimed_by: null,
          lost_claims: 0,
          updated_at: now(),
          ...(secretsEncrypted !== undefined ? { secrets_encrypted: secretsEncrypted } : {}),
        });
      if (n !== 1) return false;
      await tx('scaffolder_task_steps').where({ task_id: taskId }).whereNot({ status: 'completed' }).delete();
      await tx('scaffolder_waits').where({ task_id: taskId }).whereIn('status', ['expired', 'rejected']).delete();
      return true;
    });
  }

  /** Tasks whose worker stopped sending heartbeats. */
  async findStaleTasks(heartbeatBefore: string): Promise<TaskRow[]> {
    const rows = await this.knex('scaffolder_tasks').where({ status: 'processing' }).where('heartbeat_at', '<', heartbeatBefore);
    return rows.map(toTask);
  }

  /** Tasks a worker still holds. */
  async findClaimedBy(workerId: string): Promise<TaskRow[]> {
    return (await this.knex('scaffolder_tasks').where({ status: 'processing', claimed_by: workerId })).map(toTask);
  }

  /**
   * Hands a stale task back to the queue, unless another instance already did; `lostClaim` counts it
   * as abandoned by a crashed or hung worker (not handed back by one shutting down).
   */
  async reopenStale(taskId: string, heartbeatBefore: string, options: { lostClaim?: boolean } = {}): Promise<boolean> {
    const n = await this.knex('scaffolder_tasks')
      .where({ id: taskId, status: 'processing' })
      .where('heartbeat_at', '<', heartbeatBefore)
      .update({
        status: 'open',
        claimed_by: null,
        updated_at: now(),
        ...(options.lostClaim ? { lost_claims: this.knex.raw('lost_claims + 1') } : {}),
      });
    return n === 1;
  }

  /** Fails a stale task, unless another instance already handled it; `lostClaim` as in reopenStale. */
  async failStale(taskId: string, heartbeatBefore: string, error: string, options: { lostClaim?: boolean } = {}): Promise<boolean> {
    const n = await this.knex('scaffolder_tasks')
      .where({ id: taskId, status: 'processing' })
      .where('heartbeat_at', '<', heartbeatBefore)
      .update({
        status: 'failed',
        claimed_by: null,
        error,
        updated_at: now(),
        ...(options.lostClaim ? { lost_claims: this.knex.raw('lost_claims + 1') } : {}),
      });
    return n === 1;
  }

  async getSteps(taskId: string): Promise<StepRow[]> {
    const rows = await this.knex('scaffolder_task_steps').where({ task_id: taskId }).orderBy('position');
    return rows.map(toStep);
  }

  async saveStep(taskId: string, step: StepRow): Promise<void> {
    const row = {
      task_id: taskId,
      step_id: step.stepId,
      position: step.position,
      action: step.action,
      status: step.status,
      started_at: step.startedAt ?? null,
      ended_at: step.endedAt ?? null,
      output: step.output ? JSON.stringify(step.output) : null,
      error: step.error ?? null,
    };
    await this.knex('scaffolder_task_steps').insert(row).onConflict(['task_id', 'step_id']).merge();
  }

  /**
   * Saves a step and the events that led to it in one transaction (one commit per step change:
   * on SQLite each commit is a disk sync, so this is most of a step's cost). `workspace`: the run's workspace
   * as it is after this step (a completed one), stored with it so that a resumed run never sees one without the other.
   */
  async saveStepWithEvents(taskId: string, step: StepRow, events: PendingEvent[], workspace?: WorkspaceSnapshot): Promise<void> {
    const written = await this.knex.transaction(async tx => {
      const store = new TaskStore(tx, this.engine);
      await store.saveStep(taskId, step);
      if (workspace) await store.saveWorkspace(taskId, workspace);
      return store.insertEvents(tx, taskId, events);
    });
    if (written) this.announce(written);
  }

  async appendEvents(taskId: string, events: PendingEvent[]): Promise<void> {
    if (events.length === 0) return;
    const written = await this.knex.transaction(tx => this.insertEvents(tx, taskId, events));
    if (written) this.announce(written);
  }

  async appendEvent(taskId: string, type: TaskEventType, body: SerializedTaskEvent['body']): Promise<void> {
    await this.appendEvents(taskId, [{ type, body, createdAt: now() }]);
  }

  private announce(written: WrittenEvents) {
    try {
      this.onEventsWritten?.(written);
    } catch {
      // a listener's failure is never the writer's: the streams re-read the database
    }
  }

  /**
   * Inserts a run's events and answers them with their ids and the id of the run's event before them. On
   * PostgreSQL the run's row is locked first, so the events of one run commit in id order (a reader that has
   * seen id n never finds a lower id committed later); SQLite serialises writes anyway.
   */
  private async insertEvents(tx: Knex.Transaction, taskId: string, events: PendingEvent[]): Promise<WrittenEvents | undefined> {
    if (events.length === 0) return undefined;
    if (this.engine === 'pg') await tx.raw('SELECT id FROM scaffolder_tasks WHERE id = ? FOR NO KEY UPDATE', [taskId]);
    const [{ previous }] = (await tx('scaffolder_task_events').where({ task_id: taskId }).max({ previous: 'id' })) as Array<{ previous: number | string | null }>;
    const rows = events.map(e => ({ task_id: taskId, event_type: e.type, body: JSON.stringify(e.body), created_at: e.createdAt }));
    const ids = ((await tx('scaffolder_task_events').insert(rows).returning('id')) as Array<{ id: number | string } | number | string>)
      .map(r => Number(typeof r === 'object' ? r.id : r))
      .sort((a, b) => a - b);
    return {
      taskId,
      previousId: Number(previous ?? 0),
      events: events.map((e, i) => ({ id: ids[i], taskId, type: e.type, createdAt: e.createdAt, body: e.body })),
    };
  }

  async listEvents(taskId: string, afterId = 0): Promise<SerializedTaskEvent[]> {
    const rows = await this.knex('scaffolder_task_events').where({ task_id: taskId }).where('id', '>', afterId).orderBy('id');
    return rows.map(r => ({
      id: Number(r.id),
      taskId: r.task_id as string,
      type: r.event_type as TaskEventType,
      createdAt: r.created_at as string,
      body: JSON.parse(r.body as string) as SerializedTaskEvent['body'],
    }));
  }

  /** The run's workspace as it was after its last completed step that used it, if stored in the database. */
  async getWorkspace(taskId: string): Promise<WorkspaceSnapshot | undefined> {
    const row = await this.knex('scaffolder_workspaces').where({ task_id: taskId }).first('archive', 'step_id');
    return row ? { archive: Buffer.from(row.archive as Uint8Array), stepId: row.step_id as string } : undefined;
  }

  async saveWorkspace(taskId: string, snapshot: WorkspaceSnapshot): Promise<void> {
    await this.knex('scaffolder_workspaces')
      .insert({ task_id: taskId, archive: snapshot.archive, size: snapshot.archive.length, step_id: snapshot.stepId, updated_at: now() })
      .onConflict('task_id')
      .merge();
  }

  async deleteWorkspace(taskId: string): Promise<void> {
    await this.knex('scaffolder_workspaces').where({ task_id: taskId }).delete();
  }

  async getCheckpoint(taskId: string, key: string): Promise<{ value: unknown } | undefined> {
    const row = await this.knex('scaffolder_checkpoints').where({ task_id: taskId, key }).first();
    if (!row) return undefined;
    return { value: row.value === null ? undefined : JSON.parse(row.value as string) };
  }

  async saveCheckpoint(taskId: string, key: string, value: unknown): Promise<void> {
    await this.knex('scaffolder_checkpoints')
      .insert({ task_id: taskId, key, value: value === undefined ? null : JSON.stringify(value), created_at: now() })
      .onConflict(['task_id', 'key'])
      .merge();
  }

  async getWait(taskId: string, waitKey: string): Promise<WaitRow | undefined> {
    const row = await this.knex('scaffolder_waits').where({ task_id: taskId, wait_key: waitKey }).first();
    return row ? toWait(row) : undefined;
  }

  async createWait(wait: Omit<WaitRow, 'createdAt' | 'status' | 'resolution'>): Promise<void> {
    await this.knex('scaffolder_waits')
      .insert({
        task_id: wait.taskId,
        wait_key: wait.waitKey,
        step_id: wait.stepId,
        kind: wait.kind,
        request: JSON.stringify(wait.request),
        status: 'pending',
        expires_at: wait.expiresAt ?? null,
        created_at: now(),
      })
      .onConflict(['task_id', 'wait_key'])
      .ignore();
  }

  async setWaitStatus(taskId: string, waitKey: string, status: WaitRow['status']): Promise<void> {
    await this.knex('scaffolder_waits').where({ task_id: taskId, wait_key: waitKey }).update({ status });
  }

  /** Pending waits of tasks that are paused, for the inbox. */
  async listPendingWaits(): Promise<Array<WaitRow & { templateRef?: string; createdBy?: string }>> {
    const rows = await this.knex('scaffolder_waits as w')
      .join('scaffolder_tasks as t', 't.id', 'w.task_id')
      .where('w.status', 'pending')
      .where('t.status', 'waiting')
      .orderBy('w.created_at')
      .select('w.*', 't.template_ref', 't.created_by');
    return rows.map(r => ({ ...toWait(r), templateRef: nullable(r.template_ref), createdBy: nullable(r.created_by) }));
  }

  async getPendingWaitForStep(taskId: string, stepId: string): Promise<WaitRow | undefined> {
    const row = await this.knex('scaffolder_waits').where({ task_id: taskId, step_id: stepId, status: 'pending' }).first();
    return row ? toWait(row) : undefined;
  }

  async listWaits(taskId: string): Promise<WaitRow[]> {
    return (await this.knex('scaffolder_waits').where({ task_id: taskId })).map(toWait);
  }

  /**
   * Records a person's answer and hands the paused task back to the queue, atomically: only the
   * first answer to a pending wait counts.
   */
  async resolveWait(taskId: string, waitKey: string, resolution: HumanTaskResolution): Promise<boolean> {
    return this.knex.transaction(async tx => {
      const n = await tx('scaffolder_waits')
        .where({ task_id: taskId, wait_key: waitKey, status: 'pending' })
        .update({ status: resolution.decision, resolution: JSON.stringify(resolution) });
      if (n !== 1) return false;
      await tx('scaffolder_tasks').where({ id: taskId, status: 'waiting' }).update({ status: 'open', updated_at: now() });
      return true;
    });
  }

  /** Waiting tasks with an expired request go back to the queue so the step can fail. */
  async reopenExpiredWaits(at: string): Promise<number> {
    const ids = await this.knex('scaffolder_waits').where({ status: 'pending' }).whereNotNull('expires_at').where('expires_at', '<', at).distinct('task_id');
    if (ids.length === 0) return 0;
    return this.knex('scaffolder_tasks')
      .whereIn('id', ids.map(r => r.task_id as string))
      .where({ status: 'waiting' })
      .update({ status: 'open', updated_at: now() });
  }
}
