import type { InitiativeEntityActionState, InitiativeLink } from '@portico/plugin-scorecards-common';
import type { Knex } from 'knex';
import { chunk, toIso } from './dbValues';

/** The stored state of one action of one initiative for one entity. */
export interface InitiativeActionRow {
  initiativeId: string;
  entityRef: string;
  actionIndex: number;
  actionType: string;
  state: InitiativeEntityActionState['state'];
  /** The failing rule ids the row was last acted on, sorted and joined. */
  rulesKey: string;
  link?: InitiativeLink;
  error?: string;
  attempts: number;
  updatedAt: number;
  /**
   * When the row's latest call began (epoch ms): written with the `pending` row before the call and kept by the
   * writes of its outcome. A retry of a call that may have happened waits from it (the action's
   * `retryAfterUncertainMs`); absent on rows written before it was stored, which fall back to `updatedAt`.
   */
  attemptStartedAt?: number;
}

function fromRow(row: Record<string, unknown>): InitiativeActionRow {
  return {
    initiativeId: String(row.initiative_id),
    entityRef: String(row.entity_ref),
    actionIndex: Number(row.action_index),
    actionType: String(row.action_type),
    state: String(row.state) as InitiativeActionRow['state'],
    rulesKey: String(row.rules_key),
    ...(row.link_key ? { link: { type: String(row.link_type), key: String(row.link_key), url: String(row.link_url ?? '') } } : {}),
    ...(row.error ? { error: String(row.error) } : {}),
    attempts: Number(row.attempts),
    updatedAt: Number(row.updated_at),
    ...(row.attempt_started_at != null ? { attemptStartedAt: Number(row.attempt_started_at) } : {}),
  };
}

function toRow(row: InitiativeActionRow): Record<string, unknown> {
  return {
    initiative_id: row.initiativeId,
    entity_ref: row.entityRef,
    action_index: row.actionIndex,
    action_type: row.actionType,
    state: row.state,
    rules_key: row.rulesKey,
    link_type: row.link?.type ?? null,
    link_key: row.link?.key ?? null,
    link_url: row.link?.url ?? null,
    error: row.error ?? null,
    attempts: row.attempts,
    updated_at: row.updatedAt,
    attempt_started_at: row.attemptStartedAt ?? null,
  };
}

/** What each initiative's actions did per entity: the record that keeps them from acting twice. */
export class InitiativeActionStore {
  constructor(private readonly knex: Knex) {}

  async list(initiativeId: string): Promise<InitiativeActionRow[]> {
    const rows = await this.knex('initiative_entity_actions').where({ initiative_id: initiativeId }).orderBy(['entity_ref', 'action_index']);
    return rows.map(fromRow);
  }

  /** The rows of these entities, for the progress page. */
  async listOf(initiativeId: string, entityRefs: readonly string[]): Promise<InitiativeActionRow[]> {
    const out: InitiativeActionRow[] = [];
    for (const refs of chunk(entityRefs, 500)) {
      const rows = await this.knex('initiative_entity_actions').where({ initiative_id: initiativeId }).whereIn('entity_ref', refs);
      out.push(...rows.map(fromRow));
    }
    return out.sort((a, b) => a.entityRef.localeCompare(b.entityRef) || a.actionIndex - b.actionIndex);
  }

  /** Inserts or replaces the row of its initiative, entity and action. */
  async save(row: InitiativeActionRow): Promise<void> {
    await this.knex('initiative_entity_actions')
      .insert(toRow(row))
      .onConflict(['initiative_id', 'entity_ref', 'action_index'])
      .merge();
  }

  async deleteInitiative(initiativeId: string): Promise<void> {
    await this.knex('initiative_entity_actions').where({ initiative_id: initiativeId }).delete();
  }
}

/** The public view of a row. */
export function actionStateOf(row: InitiativeActionRow): InitiativeEntityActionState {
  return {
    type: row.actionType,
    state: row.state,
    ...(row.link ? { link: row.link } : {}),
    ...(row.error ? { error: row.error } : {}),
    updatedAt: toIso(row.updatedAt),
  };
}
