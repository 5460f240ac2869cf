import { randomUUID } from 'node:crypto';
import type { EntityFilter } from '@portico/plugin-catalog-common';
import type { Initiative, InitiativeActionConfig } from '@portico/plugin-scorecards-common';
import type { Knex } from 'knex';
import { optionalIso, toIso } from './dbValues';

export interface NewInitiative {
  title: string;
  description?: string;
  scorecardRef: string;
  targetLevel: string;
  scope?: EntityFilter;
  deadline: number;
  actions?: InitiativeActionConfig[];
}

function fromRow(row: Record<string, unknown>): Initiative & { lastReminderAt?: string } {
  return {
    id: String(row.id),
    title: String(row.title),
    ...(row.description ? { description: String(row.description) } : {}),
    scorecardRef: String(row.scorecard_ref),
    targetLevel: String(row.target_level),
    ...(row.scope ? { scope: JSON.parse(String(row.scope)) as EntityFilter } : {}),
    deadline: toIso(row.deadline),
    createdBy: String(row.created_by),
    createdAt: toIso(row.created_at),
    ...(row.actions ? { actions: JSON.parse(String(row.actions)) as InitiativeActionConfig[] } : {}),
    ...(optionalIso(row.last_reminder_at) ? { lastReminderAt: optionalIso(row.last_reminder_at) } : {}),
  };
}

/** Initiatives: a scorecard, a target level, a scope and a deadline. */
export class InitiativeStore {
  constructor(private readonly knex: Knex) {}

  async create(input: NewInitiative, createdBy: string, now: number): Promise<Initiative> {
    const row = {
      id: randomUUID(),
      title: input.title,
      description: input.description ?? null,
      scorecard_ref: input.scorecardRef,
      target_level: input.targetLevel,
      scope: input.scope ? JSON.stringify(input.scope) : null,
      deadline: input.deadline,
      created_by: createdBy,
      created_at: now,
      last_reminder_at: null,
      actions: input.actions?.length ? JSON.stringify(input.actions) : null,
    };
    await this.knex('initiatives').insert(row);
    return fromRow(row);
  }

  async get(id: string): Promise<(Initiative & { lastReminderAt?: string }) | undefined> {
    const row = await this.knex('initiatives').where({ id }).first();
    return row ? fromRow(row) : undefined;
  }

  async list(filter: { scorecardRef?: string } = {}): Promise<Array<Initiative & { lastReminderAt?: string }>> {
    const q = this.knex('initiatives').orderBy('deadline');
    if (filter.scorecardRef) q.where({ scorecard_ref: filter.scorecardRef });
    return (await q).map(fromRow);
  }

  async delete(id: string): Promise<boolean> {
    return (await this.knex('initiatives').where({ id }).delete()) > 0;
  }

  async setLastReminder(id: string, at: number): Promise<void> {
    await this.knex('initiatives').where({ id }).update({ last_reminder_at: at });
  }
}
