import type { Knex } from 'knex';
import { runMigrations } from '../database/runMigrations';

export const TASKS_TABLE = 'portico_scheduler_tasks';

export interface TaskRow {
  id: string;
  settings_json: string;
  next_run_at: number;
  locked_until: number | null;
  locked_by: string | null;
  last_run_at: number | null;
  last_run_error: string | null;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** The lease rows of global tasks, shared by every instance of a cluster. */
export class TaskStore {
  static async create(knex: Knex, schemaName?: string): Promise<TaskStore> {
    await runMigrations(
      knex,
      [
        {
          name: '20261127_001_scheduler_tasks',
          up: async k => {
            await k.schema.createTable(TASKS_TABLE, t => {
              t.string('id', 255).primary();
              t.text('settings_json').notNullable();
              t.bigInteger('next_run_at').notNullable();
              t.bigInteger('locked_until').nullable();
              t.string('locked_by', 255).nullable();
              t.bigInteger('last_run_at').nullable();
              t.text('last_run_error').nullable();
            });
          },
        },
      ],
      { schemaName },
    );
    return new TaskStore(knex);
  }

  private constructor(private readonly knex: Knex) {}

  /** Creates the row if missing; a changed definition resets the next run time. */
  async register(id: string, settingsJson: string, firstRunAt: number): Promise<void> {
    await this.knex(TASKS_TABLE)
      .insert({ id, settings_json: settingsJson, next_run_at: firstRunAt })
      .onConflict('id')
      .ignore();
    await this.knex(TASKS_TABLE)
      .where({ id })
      .whereNot({ settings_json: settingsJson })
      .update({ settings_json: settingsJson, next_run_at: firstRunAt });
  }

  /**
   * Takes the lease if the task is due (or `force`) and nobody holds a live lease. The conditional
   * UPDATE is atomic, so of several instances exactly one wins.
   */
  async tryClaim(id: string, owner: string, now: number, leaseUntil: number, force = false): Promise<boolean> {
    const query = this.knex(TASKS_TABLE)
      .where({ id })
      .andWhere(q => q.whereNull('locked_until').orWhere('locked_until', '<', now));
    if (!force) query.andWhere('next_run_at', '<=', now);
    const count = await query.update({ locked_by: owner, locked_until: leaseUntil });
    return Number(count) === 1;
  }

  /** Records a finished run and frees the lease (only if this owner still holds it). */
  async release(id: string, owner: string, update: { nextRunAt: number; lastRunAt: number; error?: string }): Promise<void> {
    await this.knex(TASKS_TABLE).where({ id, locked_by: owner }).update({
      next_run_at: update.nextRunAt,
      last_run_at: update.lastRunAt,
      last_run_error: update.error ?? null,
      locked_by: null,
      locked_until: null,
    });
  }

  /** Frees leases of an instance that stops mid-run without touching the due time. */
  async abandon(owner: string): Promise<void> {
    await this.knex(TASKS_TABLE).where({ locked_by: owner }).update({ locked_by: null, locked_until: null });
  }

  async get(id: string): Promise<TaskRow | undefined> {
    const row = (await this.knex(TASKS_TABLE).where({ id }).first()) as TaskRow | undefined;
    if (!row) return undefined;
    return {
      ...row,
      next_run_at: Number(row.next_run_at),
      locked_until: num(row.locked_until),
      last_run_at: num(row.last_run_at),
    };
  }
}
